// cdecl_test.cpp: unit tests for the C declaration parser (placeholder replaced below).
#include "cdecl/cdecl.h"
#include <gtest/gtest.h>
