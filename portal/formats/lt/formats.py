# Lithuanian: "2026 m. gruodžio 11 d.", "2026 m. gruodžio 11 d., 14:30", decimal comma.
DATE_FORMAT = r"Y \m. E j \d."
DATETIME_FORMAT = r"Y \m. E j \d., H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = r"Y \m. F"
MONTH_DAY_FORMAT = r"E j \d."
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a non-breaking space
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1
