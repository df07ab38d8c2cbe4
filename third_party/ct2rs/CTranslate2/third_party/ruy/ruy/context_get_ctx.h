/* Copyright 2020 The TensorFlow Authors. All Rights Reserved.

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

// Gateway to access the Ctx (internal context interface for ruy code) from
// a Context (public-facing class). Befriended by Context.

#ifndef THIRD_PARTY_RUY_RUY_CONTEXT_GET_CTX_H_
#define THIRD_PARTY_RUY_RUY_CONTEXT_GET_CTX_H_

#include "ruy/context.h"
#include "ruy/ctx.h"

namespace ruy {

const Ctx* get_ctx(const Context* context);
Ctx* get_ctx(Context*);

}  // namespace ruy

#endif  // THIRD_PARTY_RUY_RUY_CONTEXT_GET_CTX_H_
