# Django's zh_Hans formats, with the time zone after every time (see config/formats/en).
DATETIME_FORMAT = "Y年n月j日 H:i T"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i T"
# Amounts as Chinese lenders and banks print them, 1,234.50 (Django's zh_Hans groups nothing).
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
