"""A class on a JupyterHub: its users and configuration (``server``), the instructor's side of
nbgrader's exchange (``exchange``) and the participants' (``submit``)."""
