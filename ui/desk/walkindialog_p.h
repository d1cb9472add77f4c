#pragma once

// What the parts of WalkInDialog share (the form, the catalogue, the
// proposed start, the customer look-up, booking): names, timings and two
// small helpers. Private to ui/desk/walkin*.cpp.

#include <QFont>
#include <QLabel>
#include <QLoggingCategory>
#include <QString>
#include <QStringList>

Q_DECLARE_LOGGING_CATEGORY(lcWalkIn)

namespace WalkInForm {

// Banner sources, one per kind of trouble, so each clears on its own.
inline const QString ServicesSource = QStringLiteral("walkin.services");
inline const QString SlotSource = QStringLiteral("walkin.slot");
inline const QString LookupSource = QStringLiteral("walkin.lookup");
inline const QString BookSource = QStringLiteral("walkin.book");
inline const QStringList VehicleClasses
    = {QStringLiteral("car"), QStringLiteral("suv"), QStringLiteral("truck")};
inline const QStringList FormFields
    = {QStringLiteral("plate"), QStringLiteral("name"), QStringLiteral("phone"), QStringLiteral("email")};
inline const char *const ServiceIdProperty = "serviceId";
inline const char *const VehicleClassProperty = "vehicleClass";
inline const char *const AddonIdProperty = "addonId";

// Short enough to feel instant, long enough that clicking through the
// add-ons asks the database once.
constexpr int SlotDebounceMs = 80;
constexpr int LookupDebounceMs = 250;
// "Next free" is live: an open dialog asks again now and then.
constexpr int SlotRefreshMs = 60 * 1000;
constexpr int HistoryShown = 5;

inline QFont scaled(QFont font, double factor, bool bold)
{
    font.setPointSizeF(font.pointSizeF() * factor);
    font.setBold(bold);
    return font;
}

inline void hideError(QLabel *label)
{
    if (label) {
        label->clear();
        label->hide();
    }
}

} // namespace WalkInForm
