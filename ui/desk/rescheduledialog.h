#pragma once

#include "db/availability/slotplanner.h"
#include "db/bookings/booking.h"
#include "db/staff/staffmember.h"

#include <QDialog>

class BusyIndicator;
class ConnectionPool;
class QComboBox;
class QDateEdit;
class QLabel;
class QListWidget;
class QPushButton;

// Moves a held or confirmed booking: a day, the free starts that day for
// its service, vehicle class and add-ons (AvailabilityRepo::forDate through
// the pool, with the booking's own time counted as free, so starts that
// overlap where it is now are offered; its own start only on other bays),
// a bay or "first free bay", then BookingRepo::reschedule. When the slot
// went to someone else meanwhile, it says so and lists again.
class RescheduleDialog : public QDialog
{
    Q_OBJECT
public:
    RescheduleDialog(ConnectionPool &pool, const StaffMember &staff, const Booking &booking,
                     QWidget *parent = nullptr);

    void setDate(const QDate &date); // and lists that day's free starts
    void reloadSlots();
    QList<PlannedSlot> freeStarts() const { return m_slots; }
    // Chooses the listed start at that instant (false when it is not listed)
    // and a bay (0: first free bay).
    bool choose(const QDateTime &start, qint64 bayId = 0);
    // Moves the booking to the chosen start (what "Move booking" does).
    bool move();
    bool isBusy() const { return m_loading || m_moving; }
    QString messageText() const;

Q_SIGNALS:
    void slotsLoaded();
    void moved(const Booking &booking);

private:
    void slotChanged();
    void showMessage(const QString &text);

    ConnectionPool &m_pool;
    StaffMember m_staff;
    Booking m_booking;
    QDateEdit *m_date = nullptr;
    QListWidget *m_list = nullptr;
    QComboBox *m_bay = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_move = nullptr;
    BusyIndicator *m_busy = nullptr;
    QList<PlannedSlot> m_slots;
    quint64 m_request = 0; // the latest slot list asked for; older answers are dropped
    bool m_loading = false;
    bool m_moving = false;
};
