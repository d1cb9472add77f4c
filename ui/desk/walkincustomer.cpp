#include "ui/desk/walkindialog.h"
#include "ui/desk/walkindialog_p.h"

#include "db/bookings/bookingrequest.h"
#include "db/customers/customerrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/bookingtext.h"

#include <QLineEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QTreeWidget>

// The customer look-up: the plate as typed, a known plate's customer and
// visits filled in (never over what the person typed).

using namespace WalkInForm;

void WalkInDialog::plateEdited(const QString &text)
{
    const QString upper = text.toUpper();
    if (upper != text) {
        const int cursor = m_plate->cursorPosition();
        m_plate->setText(upper);
        m_plate->setCursorPosition(cursor);
    }
    hideError(errorLabel(QStringLiteral("plate")));
    if (m_bookAfterLookup) {
        m_bookAfterLookup = false;
        m_bookBusy->stop();
    }
    const QString plate = BookingRequest::normalisePlate(upper);
    if (plate == m_lookedUpPlate && !m_lookupDebounce.isActive())
        return;
    ++m_lookupGeneration;
    m_lookingUp = false;
    const bool hadAnswer = m_customer || !m_lookedUpPlate.isEmpty();
    m_lookedUpPlate.clear();
    if (hadAnswer)
        applyCustomer(std::nullopt);
    if (plate.size() >= 2 && plate.size() <= 10)
        m_lookupDebounce.start();
    else
        m_lookupDebounce.stop();
}

void WalkInDialog::lookUpPlate()
{
    const QString plate = BookingRequest::normalisePlate(m_plate->text());
    if (plate.size() < 2 || plate.size() > 10)
        return;
    const quint64 generation = ++m_lookupGeneration;
    m_lookingUp = true;
    auto found = m_pool.withRetry(QStringLiteral("customers.by_plate"), RetryPolicy::standard(),
                                  [plate](QSqlDatabase &db) { return CustomerRepo(db).byPlate(plate); });
    Async::onResult(found, this, [this, generation, plate](const DbResult<std::optional<Customer>> &result) {
        if (generation != m_lookupGeneration)
            return;
        m_lookingUp = false;
        auto bookIfAsked = qScopeGuard([this] {
            if (m_bookAfterLookup) {
                m_bookAfterLookup = false;
                m_bookBusy->stop();
                book();
            }
        });
        if (!result.ok()) {
            // Not knowing the customer only costs typing; say so and go on.
            qCWarning(lcWalkIn).noquote() << "plate lookup failed:" << result.error().toLogString();
            if (result.error().kind() != DbError::Kind::Invalid)
                m_banner->showMessage(
                    LookupSource, tr("The plate could not be looked up. %1").arg(result.error().message()),
                    tr("Type the customer's name, or press Retry."), [this] { lookUpPlate(); });
            Q_EMIT customerLookedUp();
            return;
        }
        m_banner->clear(LookupSource);
        m_lookedUpPlate = plate;
        applyCustomer(result.value());
        Q_EMIT customerLookedUp();
    });
}

void WalkInDialog::applyCustomer(const std::optional<Customer> &customer)
{
    if (m_booking || m_lastBooking)
        return; // what is being (or was) booked stays as it was sent
    m_customer = customer;
    m_history->clear();
    if (!customer) {
        // What the last plate filled in belongs to someone else.
        for (QLineEdit *field : std::as_const(m_filledFromLookup))
            field->clear();
        m_filledFromLookup.clear();
        m_history->hide();
        const bool looked = !m_lookedUpPlate.isEmpty();
        m_customerInfo->setText(looked ? tr("New customer: this plate has not been here before.")
                                       : QString());
        m_customerInfo->setVisible(looked);
        return;
    }
    const QList<QPair<QLineEdit *, QString>> values
        = {{m_name, customer->name}, {m_phone, customer->phone}, {m_email, customer->email}};
    for (const auto &[field, value] : values) {
        if (m_editedByUser.contains(field))
            continue;
        field->setText(value);
        m_filledFromLookup.insert(field);
        hideError(errorLabel(field->objectName().chopped(5)));
    }
    if (!m_vehicleChosenByUser) {
        for (const auto &[plate, vehicleClass] : customer->vehicles) {
            if (plate != m_lookedUpPlate || vehicleClass == m_vehicleClass)
                continue;
            for (QPushButton *button : std::as_const(m_classButtons)) {
                if (button->property(VehicleClassProperty).toString() == vehicleClass) {
                    button->setChecked(true);
                    m_vehicleClass = vehicleClass;
                    updatePackageTexts();
                    requestChanged();
                }
            }
        }
    }
    m_customerInfo->setText(
        tr("Known customer: %1 — %n completed visit(s)", nullptr, customer->completedVisits)
            .arg(customer->name));
    m_customerInfo->show();
    const QLocale locale = DisplayLocale::get();
    for (const Visit &visit : customer->visits.mid(0, HistoryShown)) {
        auto *item = new QTreeWidgetItem(m_history,
                                         {locale.toString(visit.start, QLocale::ShortFormat),
                                          visit.serviceName, BookingText::status(visit.status)});
        item->setData(0, Qt::UserRole, visit.bookingId);
    }
    m_history->setVisible(!customer->visits.isEmpty());
}
