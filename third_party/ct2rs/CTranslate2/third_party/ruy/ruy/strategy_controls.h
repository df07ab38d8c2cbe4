/* Copyright 2022 Google LLC. All Rights Reserved.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
==============================================================================*/

#ifndef RUY_RUY_STRATEGY_CONTROLS_H_
#define RUY_RUY_STRATEGY_CONTROLS_H_

#include <cstdint>

namespace ruy {

enum class NumThreadsStrategy : std::uint8_t {
  // kDefault means using smart heuristic logic that has been optimized
  // for cubic ColxRowxDepth matrix multiplication.
  kDefault,
  // kForceMaxNumThreads means using ctx->max_num_thread()
  // for multi-thread computing.
  kForceMaxNumThreads
};

}  // namespace ruy

#endif  // RUY_RUY_STRATEGY_CONTROLS_H_
