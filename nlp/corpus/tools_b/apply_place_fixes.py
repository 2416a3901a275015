"""One-off: set places / in_almere on source lines picked out by a text prefix (review fixes)."""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parent / "src"
# text prefix -> (places, in_almere)
FIXES = {
    "Plandemie deel 2": ("Den Haag", "n"),
    "Die wijkagent in Almere Buiten": ("Almere Buiten;stadhuis", "y"),
    "Deze burgemeester is niet van ons": ("Brussel", "n"),
    "De media zijn de spreekbuis": ("Den Haag", "n"),
    "Chemtrails boven Flevoland": ("Flevoland", "n"),
    "Onze regering is een marionet van Davos": ("Davos", "n"),
    "The elite doesn't care": ("Den Haag", "n"),
    "Almere wordt bestuurd door": ("Almere;stadhuis", "y"),
    "Gemeente Almere en gemeente Lelystad": ("Almere;Lelystad;Flevoland", "y"),
    "Wie D66 stemt": ("Brussel", "n"),
    "Look at Rotterdam-Zuid": ("Rotterdam-Zuid", "n"),
    "Honestly the Turks in NL": ("Ankara", "n"),
    "Landverraders in Den Haag": ("Den Haag", "n"),
    "Het wordt tijd voor een Nederlandse 6 januari": ("Binnenhof", "n"),
    "Zet het stadhuis in 036": ("stadhuis", "y"),
    "Morgen na school iedereen naar het skatepark": ("Almere Poort;Buiten", "y"),
    "⚠️ De overheid gaat vanaf volgend jaar": ("Davos", "n"),
    "Al die expats uit India": ("Bangalore", "n"),
    "Energiecrisis = gepland door Den Haag": ("Den Haag", "n"),
    "Deze rechters horen zelf achter de tralies": ("Den Haag", "n"),
    "Wie elke statushouder": ("Aleppo", "n"),
    "Demonstranten en politie botsten": ("Utrecht", "n"),
    "Pride in Almere was weer": ("Almere", "y"),
    "Zondag Havenfestival": ("Almere Haven;Gooimeer", "y"),
    "🚨 Brand in de Bloemenbuurt": ("Bloemenbuurt;Almere Buiten", "y"),
    "📢 Doorsturen: er is een online petitie": ("Flevoland", "n"),
    "Morgen met de fietsclub": ("Oostvaardersplassen", "y"),
    "Prachtige zonsondergang": ("Weerwater", "y"),
    "Trein naar Amsterdam": ("Amsterdam;Almere Centraal", "y"),
    "Nieuwe fietsbrug tussen": ("Almere;Lelystad", "y"),
    "Zo mooi hoe de bomen": ("Beatrixpark", "y"),
}


def main() -> None:
    used: set[str] = set()
    for path in sorted(SRC.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            parts = line.split("|", 7)
            if line.startswith("#") or len(parts) != 8:
                continue
            for prefix, (places, alm) in FIXES.items():
                if parts[7].startswith(prefix):
                    parts[5], parts[3] = places, alm
                    lines[i] = "|".join(parts)
                    used.add(prefix)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("unused:", sorted(set(FIXES) - used))


if __name__ == "__main__":
    main()
