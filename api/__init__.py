"""What every app's JSON API shares; each app's own endpoints live in <app>/api/."""
