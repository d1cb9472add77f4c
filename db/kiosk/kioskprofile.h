#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

// Who a kiosk is and what it offers: its row in kiosks and the card reader
// card_readers assigns to it. Plain value; KioskRepo fills it.
struct KioskProfile
{
    QString name;
    QString readerId; // the kiosk's Terminal reader (tmr_…); empty: none
    QString language; // en, es, de: the language it greets customers in
    QStringList methods; // reader, phone, desk: in that order, never empty
    QDateTime updatedAt; // UTC
    QString updatedBy; // audit_log's actor form
    // A carwash-kiosk of this name published its health lately
    // (process_health, within ProcessHealthRepo::StaleAfterSeconds).
    bool running = false;

    // Whether the kiosk offers paying this way (reader, phone, desk).
    bool offers(const QString &method) const { return methods.contains(method); }
};
