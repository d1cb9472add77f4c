#pragma once

#include <QList>

// What releasing a kiosk's holds did (KioskRepo::releaseHold/releaseHolds).
// Plain value.
struct KioskRelease
{
    QList<qint64> releasedBookingIds; // holds moved to cancelled
    QList<qint64> expiredBookingIds; // holds that had lapsed already, now recorded as expired
    QList<qint64> untouchedBookingIds; // no longer held (paid meanwhile, released already): left alone
    QList<qint64> cancelledPaymentIds; // live card payments of those holds, cancelled
    QList<qint64> cancelRequestIds; // 'cancel' requests written for carwash-server (payments that had
                                    // reached Stripe: the session expired, the reader's action cancelled)

    int released() const { return int(releasedBookingIds.size()); }

    void add(const KioskRelease &other)
    {
        releasedBookingIds += other.releasedBookingIds;
        expiredBookingIds += other.expiredBookingIds;
        untouchedBookingIds += other.untouchedBookingIds;
        cancelledPaymentIds += other.cancelledPaymentIds;
        cancelRequestIds += other.cancelRequestIds;
    }
};
