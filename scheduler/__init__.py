"""APScheduler 3 for timing only: reminders and deadlines are rows; jobs are sweeps."""
