"""Where the plan is written: calendars, workouts and activity notes."""
