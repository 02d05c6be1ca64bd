"""A zoo of control-flow functions for the source-to-source tests (and the benchmark).

Each is plain Python with loops, branches, early exits, recursion or calls; all use
ad.* / np.* math so the tape (ad.gradient) can differentiate them too.
"""

import numpy as np

import adexplorer as ad

SCALE = 2.5
WEIGHTS = np.array([1.0, -2.0, 0.5])


def pow_while(x, n):                     # the talk's pow
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


def pow_for(x, n):
    r = 1.0
    for i in range(n):
        r = r * x
    return r


def pow_early_exit(x, n):               # return from inside the loop
    r = 1.0
    while n > 0:
        r = r * x
        if r > 100.0:
            return r
        n -= 1
    return r * 2


def horner(x):                          # coefficients as a constant tuple
    c = (1.0, -2.0, 3.0, 0.5)
    r = 0.0
    for i in range(len(c)):
        r = r * x + c[i]
    return r


def horner_array(c, x):                 # coefficients as an array argument
    r = 0.0
    for i in range(len(c)):
        r = r * x + c[i]
    return r


def newton_sqrt(a):                     # x <- (x + a / x) / 2
    x = a
    for i in range(20):
        x = 0.5 * (x + a / x)
    return x


def nested_loops(x, n):
    s = 0.0
    for i in range(n):
        for j in range(i):
            s = s + x * j + ad.sin(x * i)
    return s


def if_in_loop(x, n):
    s = 0.0
    for i in range(n):
        if i % 3 == 0:
            s = s + ad.sin(x * i)
        else:
            s = s * ad.cos(x)
    return s


def break_continue(x, n):
    s = 0.0
    i = 0
    while True:
        i += 1
        if i > n:
            break
        if i % 2 == 0:
            continue
        s = s + x * i
    return s


def swap_fibonacci(a, b, n):            # a, b = b, a + b
    for k in range(n):
        a, b = b, a + b
    return a


def rotate(a, b, c, n):                 # a, b, c = b, c, a
    for i in range(n):
        a, b, c = b, c, a * 1.5
    return a + 2 * b + 3 * c


def power_recursive(x, n):              # recursion
    if n <= 0:
        return 1.0
    return x * power_recursive(x, n - 1)


def helper(a, b):
    return a * ad.exp(b)


def calls_another(x, y):                # a function calling another, twice
    t = helper(x, y) + helper(y, x)
    return t * t


def ping(x, n):                         # mutual recursion
    if n <= 0:
        return x
    return pong(x * 1.5, n - 1)


def pong(x, n):
    return ad.sin(ping(x, n)) + x


def while_and(x, n):                    # short-circuit `and` in the condition
    i = 0
    while i < n and x < 100.0:
        x = x * 2
        i += 1
    return x


def ternary(x):
    y = x * 2 if x > 1 else x ** 3
    return y - x


def count_down(x, n):                   # range with a negative step
    r = x
    for i in range(n, 0, -2):
        r = r * x + i
    return r


def variable_step(x, step):             # range with a step known only at run time
    s = 0.0
    for i in range(0, 10, step):
        s = s + x * i
    return s


def break_out_of_for(x):
    for i in range(10):
        x = x * 1.5
        if x > 10:
            break
    return x


def return_from_nested(x, n):           # return from an inner loop
    for i in range(n):
        for j in range(n):
            x = x * 1.1
            if x > 5.0:
                return x * j
    return x


def continue_in_while(x, n):
    i = 0
    s = x
    while i < n:
        i += 1
        if i == 2:
            continue
        s = s * x + 1
    return s


def loops_with_breaks(x):               # a while with break inside a for with break
    s = 0.0
    for i in range(5):
        j = 0
        while True:
            j += 1
            if j > i:
                break
            s = s + x * j
        if s > 20:
            break
    return s


def elif_chain(x):
    if x > 2:
        y = ad.log(x)
    elif x > 0:
        return ad.sqrt(x)
    elif x > -1:
        y = x * x
    else:
        y = -x
    return y * 3


def flag_argument(x, flag):             # a bool: no gradient
    if flag:
        return x * 2
    return x


def mode_argument(x, mode):             # a string: no gradient
    if mode == "double":
        return x * 2.0
    return x * 3.0


def unused_argument(x, y):
    return x * 3


def power_of_variables(x, y):
    return x ** y + y ** 2.0


def modulo_and_floor(x, y):
    return (x % y) * x + x // y


def chained_comparison(x):
    if 0 < x < 1:
        return x * x
    return -x


def uses_globals(x):
    return SCALE * x * x + np.pi


def builtin_max_min(x, y):              # builtins: differentiated by the tape per call
    return max(x, y) * min(x * 2, y)


@ad.adjoint
def twice_second(a, b):
    return a + 2 * b, lambda d: (d, 2 * d)


def user_rule(x):                       # a row of the user's own
    return twice_second(x, x * x) * 3


def array_broadcast(x, y):              # x an array, y a number
    z = x * y + 1.0
    return np.sum(z * WEIGHTS)


def array_loop(x, n):
    s = x
    for i in range(n):
        s = np.tanh(s) * 1.1 + x
    return np.mean(s)


def defined_in_one_branch(x, c):        # y exists only where c > 0 (undef on the other path)
    if c > 0:
        y = x * 2
    if c > 0:
        return y * x
    return x


def defined_in_the_loop(x, n):          # t is undefined if the loop never runs
    for i in range(n):
        t = x * i
    return t
