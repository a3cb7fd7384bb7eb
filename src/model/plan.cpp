#include "model/plan.hpp"

namespace pgadvise::model {

void for_each_node(const PlanNode& root, const std::function<void(const PlanNode&, const PlanNode*)>& visit) {
  struct Item {
    const PlanNode* node;
    const PlanNode* parent;
  };
  std::vector<Item> stack{{&root, nullptr}};
  while (!stack.empty()) {
    const Item item = stack.back();
    stack.pop_back();
    visit(*item.node, item.parent);
    for (auto it = item.node->children.rbegin(); it != item.node->children.rend(); ++it) {
      stack.push_back({&*it, item.node});
    }
  }
}

std::vector<std::string> indexes_used(const Plan& plan) {
  std::vector<std::string> out;
  for_each_node(plan.root, [&](const PlanNode& node, const PlanNode*) {
    if (!node.index_name.empty()) {
      out.push_back(node.index_name);
    }
  });
  return out;
}

} // namespace pgadvise::model
