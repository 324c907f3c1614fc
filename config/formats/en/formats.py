# Django's English formats, with the time zone after every time: an agent in Manila reading a
# callback time must not have to guess whose clock it is (the header names the zone in full).
DATETIME_FORMAT = "N j, Y, P T"
SHORT_DATETIME_FORMAT = "m/d/Y P T"
