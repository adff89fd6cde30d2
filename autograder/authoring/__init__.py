"""What the course's author checks and ships: both directions proven (``validate``), minutes per
task (``budget``), the sample class of ``make demo`` (``sample_class``), the participant kit (``kit``)."""
