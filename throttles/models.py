from django.db import models


class ThrottleCount(models.Model):
    """One rate-limit counter: requests of one client in one period.

    Rows, not Django's cache: the database cache keeps a few hundred entries
    and culls a third when over, so other clients' requests could wipe a
    brute-force count. A row lives until it expires.
    """

    key = models.CharField(max_length=255, unique=True)
    count = models.PositiveIntegerField(default=0)
    # Past this, the row counts for nothing and the next new row removes it.
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
