#pragma once

#include "db/availability/availabilityrequest.h"
#include "db/availability/slotplanner.h"
#include "db/availability/startproposal.h"
#include "db/bookings/booking.h"
#include "db/bookings/bookingoutcome.h"
#include "db/bookings/bookingrequest.h"
#include "db/catalogue/bayref.h"
#include "db/catalogue/service.h"
#include "db/customers/customer.h"
#include "db/staff/staffmember.h"

#include <QDateTime>
#include <QDialog>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <optional>

class BusyIndicator;
class ConnectionPool;
class ErrorBanner;
class QAbstractButton;
class QButtonGroup;
class QCheckBox;
class QFrame;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class QVBoxLayout;

// "New walk-in": a wash, the vehicle class and add-ons, and the next free
// start and bay appear at once with the catalogue's price; the plate (a
// known one fills in the customer and shows the visit history); Enter books.
// Everything reads and writes through the pool, so the dialog never waits
// on the database; a lost race offers the next free start and keeps what
// was typed. A retried or doubled Enter never books twice: each booking
// intent carries one idempotency key until its details change.
// Open it with open() (not exec()); the pool must outlive it. The plate has
// the keyboard from the start; Alt+1..9 (or the arrows) choose a wash.
class WalkInDialog : public QDialog
{
    Q_OBJECT
public:
    WalkInDialog(ConnectionPool &pool, const StaffMember &staff, QWidget *parent = nullptr);

    // A start and/or bay picked on the day board: Book books that start
    // (on that bay) while it is free for the chosen wash; otherwise the
    // dialog says so and offers the next free one. No bay and an invalid
    // start clear it. What was typed stays.
    void setPreset(const std::optional<BayRef> &bay, const QDateTime &start);
    std::optional<BayRef> presetBay() const { return m_presetBay; }
    QDateTime presetStart() const { return m_presetStart; }

    // The catalogue as loaded (active services with their add-ons).
    QList<Service> services() const { return m_services; }
    bool isLoading() const { return m_loadingServices; }
    // Chooses a wash as clicking its button does; false for an unknown id.
    bool chooseService(qint64 serviceId);
    std::optional<Service> chosenService() const;
    QString vehicleClass() const { return m_vehicleClass; }
    QList<qint64> chosenAddons() const;

    // The next free start (or the board's) that Book would book, once found.
    bool isFindingSlot() const { return m_findingSlot || m_slotDebounce.isActive(); }
    std::optional<PlannedSlot> proposedSlot() const;
    // The bay shown with it (the first free one, or the board's).
    std::optional<BayRef> proposedBay() const;
    QString slotText() const;
    QString priceText() const;
    // The line above the form: a slot just taken, the board's choice not
    // free, a field without its own place on the form.
    QString noticeText() const;
    // The message next to a field ("plate", "name", "phone", "email"); empty when fine.
    QString fieldError(const QString &field) const;

    bool isLookingUp() const { return m_lookingUp || m_lookupDebounce.isActive(); }
    // The customer a known plate belongs to; nullopt for a new plate.
    std::optional<Customer> knownCustomer() const { return m_customer; }

    bool isBooking() const { return m_booking; }
    // After Booked (or Replayed): the booking as the database made it.
    std::optional<Booking> lastBooking() const { return m_lastBooking; }
    // The idempotency key the next Book sends, for tests and the log.
    QString pendingIdempotencyKey() const { return m_intentKey; }

public Q_SLOTS:
    // What Enter and the Book button do.
    void book();
    // An empty form for the next car (the confirmation goes).
    void reset();
    // Loads the catalogue again.
    void reloadServices();

Q_SIGNALS:
    void servicesLoaded();
    // A proposal (or "nothing free") is on show.
    void slotShown();
    // A plate lookup came back (known or not).
    void customerLookedUp();
    void booked(const Booking &booking);
    // Booking did not happen: invalid fields, slot taken or the database
    // away; what to do is on show.
    void bookingFailed();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void buildPackages();
    void updatePackageTexts();
    void buildAddons();
    void packageClicked(QAbstractButton *button);
    void vehicleClicked(QAbstractButton *button);
    void requestChanged();
    void findSlot();
    void showProposal();
    void updatePrice();
    void plateEdited(const QString &text);
    void lookUpPlate();
    void applyCustomer(const std::optional<Customer> &customer);
    void bookNow();
    void handleOutcome(const BookingOutcome &outcome);
    void showConfirmation(const Booking &booking);
    void showFieldErrors(const QList<FieldError> &errors);
    void clearFieldErrors();
    void setBookingBusy(bool busy);
    void updateButtons();
    void updateTabOrder();
    void focusPlateIfEmpty();
    void chooseWashByNumber(int index);
    AvailabilityRequest currentRequest() const;
    BookingRequest bookingRequest() const;
    QLabel *errorLabel(const QString &field) const;

    ConnectionPool &m_pool;
    StaffMember m_staff;

    ErrorBanner *m_banner = nullptr;
    BusyIndicator *m_packagesBusy = nullptr;
    QWidget *m_packageArea = nullptr;
    QGridLayout *m_packageGrid = nullptr;
    QButtonGroup *m_packages = nullptr;
    QButtonGroup *m_classes = nullptr;
    QList<QPushButton *> m_classButtons;
    QWidget *m_addonArea = nullptr;
    QVBoxLayout *m_addonLayout = nullptr;
    QList<QCheckBox *> m_addonBoxes;
    QLabel *m_noAddons = nullptr;
    QLabel *m_slot = nullptr;
    QLabel *m_price = nullptr;
    QLabel *m_notice = nullptr;
    BusyIndicator *m_slotBusy = nullptr;
    QLineEdit *m_plate = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_phone = nullptr;
    QLineEdit *m_email = nullptr;
    QHash<QString, QLabel *> m_errors; // by field name
    QLabel *m_customerInfo = nullptr;
    QTreeWidget *m_history = nullptr;
    QFrame *m_confirmation = nullptr;
    QLabel *m_confirmationCode = nullptr;
    QLabel *m_confirmationDetails = nullptr;
    BusyIndicator *m_bookBusy = nullptr;
    QPushButton *m_book = nullptr;
    QPushButton *m_next = nullptr;
    QPushButton *m_close = nullptr;

    QList<Service> m_services;
    bool m_loadingServices = false;
    quint64 m_servicesGeneration = 0;
    qint64 m_serviceId = 0;
    QString m_vehicleClass = QStringLiteral("car");
    bool m_vehicleChosenByUser = false;

    std::optional<BayRef> m_presetBay;
    QDateTime m_presetStart;

    QTimer m_slotDebounce;
    QTimer m_slotRefresh;
    quint64 m_slotGeneration = 0;
    bool m_findingSlot = false;
    std::optional<StartProposal> m_proposal;
    QString m_noticeText;
    bool m_bookWhenReady = false; // Enter came before the next free time

    QTimer m_lookupDebounce;
    quint64 m_lookupGeneration = 0;
    bool m_lookingUp = false;
    QString m_lookedUpPlate;
    std::optional<Customer> m_customer;
    QSet<QLineEdit *> m_editedByUser;
    QSet<QLineEdit *> m_filledFromLookup;
    bool m_bookAfterLookup = false; // Enter came before a known plate filled the name

    bool m_booking = false;
    QPointer<QWidget> m_focusBeforeBooking;
    QString m_intentKey;
    QString m_intentSignature;
    std::optional<Booking> m_lastBooking;
};
