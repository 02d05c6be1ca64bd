"""check_grads cases for the special-function rows (``rules_special.py``), read by
``test_rows.py``: numbers and arrays, away from the poles of lgamma and polygamma."""

import numpy as np

from adexplorer.core import rules_special as RS


def case(fn, *args, label=""):
    return (fn, args, None, label)


CASES = {
    "erf": [case(RS.erf, 0.7, label="number"), case(RS.erf, np.array([-1.5, 0.2, 2.1]))],
    "lgamma": [case(RS.lgamma, 3.3, label="number"),
               case(RS.lgamma, np.array([0.4, 1.5, 7.0])),
               case(RS.lgamma, np.array([-0.5, -2.5]), label="negative, between poles")],
    "polygamma": [case(lambda x: RS.polygamma(x, n=0), np.array([0.6, 2.0, 11.0])),
                  case(lambda x: RS.polygamma(x, n=2), 1.7, label="n=2")],
}
