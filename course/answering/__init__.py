"""The kernel's side of grading: the hidden region's ``answer`` (``answers``), stateful things
measured as plain data (``probes``), and the strict file format both ways (``wire``)."""
