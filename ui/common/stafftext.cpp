#include "ui/common/stafftext.h"

QString StaffText::role(StaffMember::Role role)
{
    switch (role) {
    case StaffMember::Role::Staff:
        return tr("Staff");
    case StaffMember::Role::Manager:
        return tr("Manager");
    }
    return {};
}

QString StaffText::duration(int seconds)
{
    seconds = std::max(0, seconds);
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}
