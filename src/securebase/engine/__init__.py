"""Running scenarios over populations: the calendar, events, records, and the day loop."""
