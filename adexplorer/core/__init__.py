"""The AD core: the primitive table, forward and reverse mode, traces. No Jupyter, no plots."""

from . import memory as _memory  # noqa: F401  (opt-in allocator tuning, see memory.py)
from . import rules as _rules
from . import rules_numpy as _rules_numpy
from . import views as _views  # noqa: F401  (gives every Trace its views)
from .checkpoint import checkpoint
from .custom import adjoint, tangent
from .errors import ADError, InputError, LostDerivative, NoDerivativeRule, NotScalarOutput
from .fastpaths import function as _fast
from .numpy_dispatch import concatenate, stack, where
from .rules_reductions import logsumexp
from .forward import D, Dual, derivative, jvp
from .jacobians import hessian, jacfwd, jacrev
from .primitives import PRIMITIVES, Primitive, bind
from .reverse import Traced, gradient, grad, trace, value_and_grad, vjp
from .tracing import Const, Node, Ref, Trace

# Elementwise math with scalar fast paths.
sin, cos, tan = _fast(_rules.sin), _fast(_rules.cos), _fast(_rules.tan)
exp, log, log1p, expm1 = (_fast(_rules.exp), _fast(_rules.log), _fast(_rules.log1p),
                          _fast(_rules.expm1))
sqrt, tanh, sigmoid, abs = (_fast(_rules.sqrt), _fast(_rules.tanh), _fast(_rules.sigmoid),
                            _fast(_rules.absolute))
neg = _fast(_rules.neg)

# Binary arithmetic and array operations: the rows themselves.
add, sub, mul, div, power = _rules.add, _rules.sub, _rules.mul, _rules.div, _rules.power
maximum, minimum = _rules.maximum, _rules.minimum
real, imag, conj, angle = _rules.real, _rules.imag, _rules.conj, _rules.angle
broadcast_to, sum_to = _rules.broadcast_to, _rules.sum_to
sum, mean, max, min = _rules_numpy.sum, _rules_numpy.mean, _rules_numpy.max, _rules_numpy.min
matmul, dot = _rules_numpy.matmul, _rules_numpy.dot
reshape, transpose = _rules_numpy.reshape, _rules_numpy.transpose

# Elementwise rows beyond the basic ones (rules_elementwise.py): the rows themselves.
from .rules_elementwise import (arccos, arccosh, arcsin, arcsinh, arctan, arctan2,  # noqa: E402
                                arctanh, cbrt, ceil, cosh, deg2rad, exp2, fix, floor, fmax,
                                fmin, hypot, ldexp, log2, log10, logaddexp, logaddexp2,
                                nan_to_num, rad2deg, rint, round, sinc, sinh, trunc)
from .rules_elementwise import (degrees, fabs, radians, real_if_close,  # noqa: E402
                                reciprocal, sign, square)
from .rules_special import digamma, erf, lgamma  # noqa: E402
