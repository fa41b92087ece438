"""The calendar of webinars, forums and workshops: events, registration, iCalendar feeds."""
