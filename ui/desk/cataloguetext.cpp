#include "cataloguetext.h"

QString CatalogueText::vehicleClass(const QString &name)
{
    if (name == u"car")
        return tr("Car");
    if (name == u"suv")
        return tr("SUV");
    if (name == u"truck")
        return tr("Truck");
    return name;
}

QString CatalogueText::bayKind(const QString &kind)
{
    if (kind == u"tunnel")
        return tr("Tunnel");
    if (kind == u"detail")
        return tr("Detail bay");
    if (kind == u"self_serve")
        return tr("Self-serve");
    return kind;
}

QString CatalogueText::activeText(bool active)
{
    return active ? tr("Yes") : tr("No");
}
