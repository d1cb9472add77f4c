#pragma once

#include <QCoreApplication>
#include <QString>

// The catalogue's stored words (vehicle classes, bay kinds) as people read
// them.
class CatalogueText
{
    Q_DECLARE_TR_FUNCTIONS(CatalogueText)
public:
    static QString vehicleClass(const QString &name); // "car" -> "Car"
    static QString bayKind(const QString &kind); // "self_serve" -> "Self-serve"
    static QString activeText(bool active);
};
