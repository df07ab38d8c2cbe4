#pragma once

#include "attention.h"
#include "flash_attention.h"
#include "common.h"
#include "transformer.h"
