"""Elections and their contests: timetable, seats, method, quotas, candidates, nominations, slates."""
