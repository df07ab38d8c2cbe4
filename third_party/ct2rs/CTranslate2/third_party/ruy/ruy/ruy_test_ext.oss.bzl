"""Allows to specialize the ruy BUILD to availability of external libraries"""

def ruy_test_ext_defines():
    return []

def ruy_test_ext_deps():
    return []
