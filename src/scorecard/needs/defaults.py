"""The default themes (ISAF-style) for the three standard facility types.

Seeded once per facility type, when it has no theme yet: staff may then rename, merge or
delete them without the next classification bringing them back. Keywords are Khmer and
English words or short phrases; they are matched word by word (``scorecard.needs.text``).
"""

from __future__ import annotations

# facility type code -> (code, English, Khmer, keywords)
DEFAULT_THEMES: dict[str, list[tuple[str, str, str, list[str]]]] = {
    "health_centre": [
        ("staff_attitude", "Staff attitude and welcome", "ឥរិយាបថ និងការស្វាគមន៍របស់បុគ្គលិក",
         ["ស្វាគមន៍", "រួសរាយ", "រាក់ទាក់", "ឥរិយាបថ", "គួរសម", "attitude", "polite", "welcome", "friendly", "rude"]),
        ("opening_hours", "Opening hours and staff on duty", "ម៉ោងបើក និងបុគ្គលិកប្រចាំការ",
         ["បើក", "ម៉ោង", "ទាន់ពេលវេលា", "ប្រចាំការ", "ពេលយប់", "ឆ្មប", "open", "opening", "hour", "night", "duty", "midwife"]),
        ("water_toilets", "Clean water, toilets and cleanliness", "ទឹកស្អាត បង្គន់ និងអនាម័យ",
         ["ទឹក", "បង្គន់", "អនាម័យ", "water", "toilet", "clean", "hygiene"]),
        ("fees", "Fees and price transparency", "តម្លាភាពនៃតម្លៃសេវា",
         ["តម្លៃ", "តារាងតម្លៃ", "លុយ", "ថ្លៃ", "fee", "price", "cost", "money"]),
        ("medicines", "Medicines and supplies", "ថ្នាំ និងសម្ភារៈពេទ្យ",
         ["ថ្នាំ", "សម្ភារៈ", "medicine", "drug", "supplies"]),
    ],
    "primary_school": [
        ("teacher_attendance", "Teachers' attendance", "វត្តមានគ្រូបង្រៀន",
         ["គ្រូបង្រៀន", "គ្រូ", "បង្រៀន", "ទៀងទាត់", "វត្តមាន", "teacher", "attendance", "class every day"]),
        ("classrooms", "Classrooms and buildings", "ថ្នាក់រៀន និងអគារ",
         ["ជួសជុល", "ដំបូល", "ថ្នាក់រៀន", "អគារ", "លេច", "repair", "roof", "classroom", "building"]),
        ("textbooks", "Textbooks and learning materials", "សៀវភៅ និងសម្ភារៈសិក្សា",
         ["សៀវភៅ", "សម្ភារៈ", "សិក្សា", "book", "textbook", "material"]),
        ("informal_fees", "Informal fees", "ការយកលុយក្រៅផ្លូវការ",
         ["លុយ", "តម្លៃ", "ថ្លៃ", "fee", "money", "pay"]),
        ("water_toilets", "Clean water and toilets", "ទឹកស្អាត និងបង្គន់",
         ["ទឹក", "បង្គន់", "អនាម័យ", "water", "toilet", "clean"]),
    ],
    "commune_office": [
        ("fees_transparency", "Published fees for administrative services", "ការផ្សព្វផ្សាយតម្លៃសេវារដ្ឋបាល",
         ["តម្លៃ", "ផ្សព្វផ្សាយ", "រដ្ឋបាល", "ជាសាធារណៈ", "fee", "price", "transparency"]),
        ("documents", "Civil registration documents", "ឯកសារអត្រានុកូលដ្ឋាន",
         ["សំបុត្រ", "កំណើត", "អត្តសញ្ញាណប័ណ្ណ", "ឯកសារ", "រហ័ស", "document", "certificate", "birth"]),
        ("office_hours", "Officials present in office hours", "មន្ត្រីនៅការិយាល័យក្នុងម៉ោងធ្វើការ",
         ["ការិយាល័យ", "ម៉ោង", "ធ្វើការ", "មន្ត្រី", "hour", "present", "open"]),
        ("roads", "Roads and infrastructure", "ផ្លូវ និងហេដ្ឋារចនាសម្ព័ន្ធ",
         ["ផ្លូវ", "ស្ពាន", "road", "bridge"]),
        ("consultation", "Consultation with citizens", "ការពិគ្រោះយោបល់ជាមួយប្រជាពលរដ្ឋ",
         ["ប្រជុំ", "ផែនការ", "ផែនការអភិវឌ្ឍ", "ប្រជាពលរដ្ឋ", "meeting", "consult", "plan"]),
    ],
}  # fmt: skip
