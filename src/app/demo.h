// Demo data for a first start (`make run`): a provider, two customers, a few services and
// incidents in several states, created through the normal commands (so they have history).
#pragma once

#include "app/app.h"

namespace ordo {

// Returns how many records were created.
Result<int> load_demo_data(App& app);

}  // namespace ordo
