"""The talk's example, kept where ``inspect.getsource`` can read it."""


def pow(x, n):
    """``x ** n`` by repeated multiplication, as on the slide (Zygote's ``pow``)."""
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r
