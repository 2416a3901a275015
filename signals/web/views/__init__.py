"""This area's routers; create_app includes them explicitly."""
