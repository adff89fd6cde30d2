"""Everything the notebooks need, shipped inside installed packages: nothing is
downloaded at run time.

Photos (``course.photos``) come from scikit-image, matplotlib and scikit-learn;
handwritten digits and synthetic photos of digit sheets from ``course.digits``.
"""
from course.digits import *  # noqa: F401,F403
from course.photos import *  # noqa: F401,F403
