# Bulgarian: "11.12.2026 г.", "11.12.2026 г., 14:30", decimal comma (Django's bg has no DATETIME_FORMAT,
# which fell back to the English one).
DATE_FORMAT = r"d.m.Y \г."
DATETIME_FORMAT = r"d.m.Y \г., H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = r"d.m.Y \г."
SHORT_DATETIME_FORMAT = r"d.m.Y \г., H:i"
YEAR_MONTH_FORMAT = r"F Y \г."
MONTH_DAY_FORMAT = "j F"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a non-breaking space
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1
