"""The first consent text that sponsors agree to (version 2026-11). Later versions are published in the admin."""

INITIAL_VERSION = "2026-11"

INITIAL_TEXTS = {
    "lt": (
        "Sutinku, kad RISE bendruomenių rėmimo portalas (IOM Lietuva ir Pabėgėlių priėmimo centras) tvarkytų mano "
        "pateiktus asmens duomenis (vardą, kontaktus, savivaldybę, kalbas, motyvaciją, patikrų rezultatus ir "
        "siūlomo būsto duomenis), kad galėtų patikrinti mane kaip rėmėją, patikrinti siūlomą būstą ir susieti "
        "mane su tarptautinės apsaugos gavėjais.\n\n"
        "Mano duomenis matys tik juos tvarkantys atvejo vadybininkai. Bet kada galiu atsisiųsti visus savo "
        "duomenis arba ištrinti paskyrą."
    ),
    "en": (
        "I agree that the RISE community sponsorship portal (IOM Lithuania and the Refugee Reception Centre) "
        "processes the personal data I provide (name, contacts, municipality, languages, motivation, results of "
        "checks and the details of the housing I offer) in order to verify me as a sponsor, inspect the housing I "
        "offer and match me with beneficiaries of international protection.\n\n"
        "Only the caseworkers who handle my data will see it. I can download all my data or delete my account "
        "at any time."
    ),
    "bg": (
        "Съгласявам се порталът за спонсорство от общността RISE (IOM Литва и Центърът за приемане на бежанци) "
        "да обработва предоставените от мен лични данни (име, данни за контакт, община, езици, мотивация, "
        "резултати от проверки и данни за предлаганото жилище), за да ме провери като спонсор, да огледа "
        "предлаганото жилище и да ме свърже с лица с международна закрила.\n\n"
        "Данните ми ще виждат само социалните работници, които ги обработват. Мога по всяко време да изтегля "
        "всичките си данни или да изтрия профила си."
    ),
}
