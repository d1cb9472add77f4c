#include "ui/manager/cataloguetext.h"

#include "db/text/bookingwords.h"

QString CatalogueText::vehicleClass(const QString &name)
{
    // One set of words for vehicle classes, the one db/'s messages use too.
    return BookingWords::vehicleClass(name);
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
