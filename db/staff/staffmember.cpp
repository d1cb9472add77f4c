#include "db/staff/staffmember.h"

QString StaffMember::roleName(Role role)
{
    switch (role) {
    case Role::Staff:
        return QStringLiteral("staff");
    case Role::Manager:
        return QStringLiteral("manager");
    }
    return {};
}

std::optional<StaffMember::Role> StaffMember::roleFromName(const QString &name)
{
    if (name == u"staff")
        return Role::Staff;
    if (name == u"manager")
        return Role::Manager;
    return std::nullopt;
}
