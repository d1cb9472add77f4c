#include "ui/desk/walkindialog.h"

#include "db/availability/availabilityrepo.h"
#include "db/bookings/bookingrepo.h"
#include "db/bookings/bookingrequest.h"
#include "db/catalogue/servicerepo.h"
#include "db/customers/customerrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"
#include "ui/desk/bookingtext.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPushButton>
#include <QScopeGuard>
#include <QShortcut>
#include <QTimeZone>
#include <QTreeWidget>
#include <QUuid>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcWalkIn, "carwash.ui.walkin", QtWarningMsg)

namespace {

const QString ServicesSource = QStringLiteral("walkin.services");
const QString SlotSource = QStringLiteral("walkin.slot");
const QString LookupSource = QStringLiteral("walkin.lookup");
const QString BookSource = QStringLiteral("walkin.book");
const QStringList VehicleClasses = {QStringLiteral("car"), QStringLiteral("suv"), QStringLiteral("truck")};
const QStringList FormFields
    = {QStringLiteral("plate"), QStringLiteral("name"), QStringLiteral("phone"), QStringLiteral("email")};
const char *const ServiceIdProperty = "serviceId";
const char *const VehicleClassProperty = "vehicleClass";
const char *const AddonIdProperty = "addonId";

// Short enough to feel instant, long enough that clicking through the
// add-ons asks the database once.
constexpr int SlotDebounceMs = 80;
constexpr int LookupDebounceMs = 250;
// "Next free" is live: an open dialog asks again now and then.
constexpr int SlotRefreshMs = 60 * 1000;
constexpr int HistoryShown = 5;

QFont scaled(QFont font, double factor, bool bold)
{
    font.setPointSizeF(font.pointSizeF() * factor);
    font.setBold(bold);
    return font;
}

// "in 5 min", "in 1 h 20 min", "now".
QString fromNow(const QDateTime &start)
{
    const qint64 minutes = (QDateTime::currentDateTimeUtc().secsTo(start) + 59) / 60;
    if (minutes <= 0)
        return WalkInDialog::tr("now");
    if (minutes < 60)
        return WalkInDialog::tr("in %n min", nullptr, int(minutes));
    return WalkInDialog::tr("in %1 h %2 min").arg(minutes / 60).arg(minutes % 60);
}

void hideError(QLabel *label)
{
    if (label) {
        label->clear();
        label->hide();
    }
}

bool isToday(const QDateTime &start)
{
    return start.date() == QDateTime::currentDateTimeUtc().toTimeZone(start.timeZone()).date();
}

} // namespace

WalkInDialog::WalkInDialog(ConnectionPool &pool, const StaffMember &staff, QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
    , m_staff(staff)
{
    setObjectName(QStringLiteral("walkInDialog"));
    setWindowTitle(tr("New walk-in"));
    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("walkInBanner"));

    // Left: what is washed.
    auto *washTitle = new QLabel(tr("Wash (Alt+1–9)"), this);
    washTitle->setFont(scaled(washTitle->font(), 1.1, true));
    // The plate has the keyboard from the start (plates mix letters and
    // digits), so a wash is chosen with a modifier or the arrows.
    auto *keyHint = new QLabel(tr("Type the plate at once. Choose a wash with Alt+1 to Alt+9, or Tab to the "
                                  "washes and use the arrow keys."),
                               this);
    keyHint->setObjectName(QStringLiteral("walkInKeyHint"));
    keyHint->setWordWrap(true);
    keyHint->setForegroundRole(QPalette::PlaceholderText);
    m_packagesBusy = new BusyIndicator(this);
    m_packageArea = new QWidget(this);
    m_packageArea->setObjectName(QStringLiteral("walkInPackages"));
    m_packageGrid = new QGridLayout(m_packageArea);
    m_packageGrid->setContentsMargins(0, 0, 0, 0);
    m_packages = new QButtonGroup(this);
    m_packages->setExclusive(true);
    connect(m_packages, &QButtonGroup::buttonClicked, this, &WalkInDialog::packageClicked);

    auto *vehicleTitle = new QLabel(tr("Vehicle"), this);
    vehicleTitle->setFont(scaled(vehicleTitle->font(), 1.1, true));
    m_classes = new QButtonGroup(this);
    m_classes->setExclusive(true);
    auto *classRow = new QHBoxLayout;
    const QStringList classLabels = {tr("&Car"), tr("&SUV"), tr("T&ruck")};
    const QStringList classNames
        = {QStringLiteral("vehicleCar"), QStringLiteral("vehicleSuv"), QStringLiteral("vehicleTruck")};
    for (int i = 0; i < VehicleClasses.size(); ++i) {
        auto *button = new QPushButton(classLabels[i], this);
        button->setObjectName(classNames[i]);
        button->setAccessibleName(BookingText::vehicleClass(VehicleClasses[i]));
        button->setCheckable(true);
        button->setAutoDefault(false);
        button->setProperty(VehicleClassProperty, VehicleClasses[i]);
        button->setMinimumHeight(fontMetrics().height() * 2);
        m_classes->addButton(button);
        m_classButtons.append(button);
        classRow->addWidget(button);
    }
    m_classButtons.first()->setChecked(true);
    connect(m_classes, &QButtonGroup::buttonClicked, this, &WalkInDialog::vehicleClicked);

    auto *addonTitle = new QLabel(tr("Add-ons"), this);
    addonTitle->setFont(scaled(addonTitle->font(), 1.1, true));
    m_addonArea = new QWidget(this);
    m_addonArea->setObjectName(QStringLiteral("walkInAddons"));
    m_addonLayout = new QVBoxLayout(m_addonArea);
    m_addonLayout->setContentsMargins(0, 0, 0, 0);
    m_noAddons = new QLabel(tr("Choose a wash to see its add-ons."), m_addonArea);
    m_noAddons->setForegroundRole(QPalette::PlaceholderText);
    m_addonLayout->addWidget(m_noAddons);

    auto *left = new QVBoxLayout;
    auto *washHeader = new QHBoxLayout;
    washHeader->addWidget(washTitle);
    washHeader->addStretch(1);
    washHeader->addWidget(m_packagesBusy);
    left->addLayout(washHeader);
    left->addWidget(keyHint);
    left->addWidget(m_packageArea);
    left->addSpacing(fontMetrics().height() / 2);
    left->addWidget(vehicleTitle);
    left->addLayout(classRow);
    left->addSpacing(fontMetrics().height() / 2);
    left->addWidget(addonTitle);
    left->addWidget(m_addonArea);
    left->addStretch(1);

    // Right: when and where, and who.
    m_slot = new QLabel(this);
    m_slot->setObjectName(QStringLiteral("walkInSlot"));
    m_slot->setAccessibleName(tr("Next free time"));
    m_slot->setWordWrap(true);
    m_slot->setFont(scaled(m_slot->font(), 1.5, true));
    m_slot->setTextFormat(Qt::PlainText);
    m_slotBusy = new BusyIndicator(this);
    m_price = new QLabel(this);
    m_price->setObjectName(QStringLiteral("walkInPrice"));
    m_price->setAccessibleName(tr("Price and duration"));
    m_price->setFont(scaled(m_price->font(), 1.25, false));
    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("walkInNotice"));
    m_notice->setAccessibleName(tr("Notice"));
    m_notice->setWordWrap(true);
    m_notice->setTextFormat(Qt::PlainText);
    m_notice->setFont(scaled(m_notice->font(), 1.0, true));
    m_notice->setStyleSheet(QStringLiteral("color: #8a4b00;"));
    m_notice->hide();

    auto makeField = [this](const QString &objectName, const QString &accessibleName) {
        auto *field = new QLineEdit(this);
        field->setObjectName(objectName);
        field->setAccessibleName(accessibleName);
        connect(field, &QLineEdit::textEdited, this, [this, field] {
            m_editedByUser.insert(field);
            m_filledFromLookup.remove(field);
        });
        return field;
    };
    m_plate = makeField(QStringLiteral("plateField"), tr("Licence plate"));
    m_plate->setPlaceholderText(tr("e.g. AB 123 CD"));
    m_plate->setFont(scaled(m_plate->font(), 1.3, true));
    m_plate->setMaxLength(20);
    connect(m_plate, &QLineEdit::textEdited, this, &WalkInDialog::plateEdited);
    connect(m_plate, &QLineEdit::editingFinished, this, [this] {
        const QString normalised = BookingRequest::normalisePlate(m_plate->text());
        if (normalised != m_plate->text())
            m_plate->setText(normalised);
    });
    m_name = makeField(QStringLiteral("nameField"), tr("Customer name"));
    m_name->setMaxLength(100);
    m_phone = makeField(QStringLiteral("phoneField"), tr("Phone (optional)"));
    m_phone->setMaxLength(32);
    m_email = makeField(QStringLiteral("emailField"), tr("E-mail (optional)"));
    m_email->setMaxLength(254);
    for (QLineEdit *field : {m_name, m_phone, m_email}) {
        connect(field, &QLineEdit::textEdited, this,
                [this, field] { hideError(errorLabel(field->objectName().chopped(5))); });
    }

    auto *form = new QFormLayout;
    const QList<QPair<QString, QLineEdit *>> rows = {{tr("&Plate:"), m_plate},
                                                     {tr("N&ame:"), m_name},
                                                     {tr("P&hone:"), m_phone},
                                                     {tr("&E-mail:"), m_email}};
    for (int i = 0; i < rows.size(); ++i) {
        auto *error = new QLabel(this);
        error->setObjectName(FormFields[i] + QStringLiteral("Error"));
        error->setWordWrap(true);
        error->setTextFormat(Qt::PlainText);
        error->setStyleSheet(QStringLiteral("color: #b00020;"));
        error->hide();
        m_errors.insert(FormFields[i], error);
        auto *cell = new QVBoxLayout;
        cell->setSpacing(2);
        cell->addWidget(rows[i].second);
        cell->addWidget(error);
        auto *label = new QLabel(rows[i].first, this);
        label->setBuddy(rows[i].second);
        form->addRow(label, cell);
    }

    m_customerInfo = new QLabel(this);
    m_customerInfo->setObjectName(QStringLiteral("walkInCustomerInfo"));
    m_customerInfo->setAccessibleName(tr("Customer"));
    m_customerInfo->setWordWrap(true);
    m_customerInfo->setTextFormat(Qt::PlainText);
    m_customerInfo->hide();
    m_history = new QTreeWidget(this);
    m_history->setObjectName(QStringLiteral("walkInHistory"));
    m_history->setAccessibleName(tr("Last visits"));
    m_history->setHeaderLabels({tr("Date"), tr("Service"), tr("Status")});
    m_history->setRootIsDecorated(false);
    m_history->setSelectionMode(QAbstractItemView::NoSelection);
    m_history->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_history->setMaximumHeight(fontMetrics().height() * (HistoryShown + 2) + 8);
    m_history->hide();

    m_confirmation = new QFrame(this);
    m_confirmation->setObjectName(QStringLiteral("walkInConfirmation"));
    m_confirmation->setAccessibleName(tr("Booked"));
    m_confirmation->setFrameShape(QFrame::StyledPanel);
    m_confirmation->setStyleSheet(QStringLiteral(
        "#walkInConfirmation { background: #e8f5e9; border: 1px solid #81c784; border-radius: 4px; }"
        "#walkInConfirmation QLabel { color: #1b5e20; background: transparent; }"));
    auto *bookedTitle = new QLabel(tr("Booked — confirmation code"), m_confirmation);
    m_confirmationCode = new QLabel(m_confirmation);
    m_confirmationCode->setObjectName(QStringLiteral("walkInCode"));
    m_confirmationCode->setFont(scaled(m_confirmationCode->font(), 2.2, true));
    m_confirmationCode->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_confirmationDetails = new QLabel(m_confirmation);
    m_confirmationDetails->setObjectName(QStringLiteral("walkInConfirmationDetails"));
    m_confirmationDetails->setWordWrap(true);
    m_confirmationDetails->setTextFormat(Qt::PlainText);
    m_confirmationDetails->setFont(scaled(m_confirmationDetails->font(), 1.15, false));
    auto *confirmationLayout = new QVBoxLayout(m_confirmation);
    confirmationLayout->addWidget(bookedTitle);
    confirmationLayout->addWidget(m_confirmationCode);
    confirmationLayout->addWidget(m_confirmationDetails);
    m_confirmation->hide();

    auto *right = new QVBoxLayout;
    auto *slotRow = new QHBoxLayout;
    slotRow->addWidget(m_slot, 1);
    slotRow->addWidget(m_slotBusy, 0, Qt::AlignTop);
    right->addLayout(slotRow);
    right->addWidget(m_price);
    right->addWidget(m_notice);
    right->addSpacing(fontMetrics().height() / 2);
    right->addLayout(form);
    right->addWidget(m_customerInfo);
    right->addWidget(m_history);
    right->addWidget(m_confirmation);
    right->addStretch(1);

    m_bookBusy = new BusyIndicator(this);
    m_book = new QPushButton(tr("&Book"), this);
    m_book->setObjectName(QStringLiteral("walkInBook"));
    m_book->setAccessibleName(tr("Book"));
    m_book->setToolTip(tr("Book this walk-in (Enter)"));
    m_book->setFont(scaled(m_book->font(), 1.2, true));
    m_book->setMinimumHeight(fontMetrics().height() * 2);
    connect(m_book, &QPushButton::clicked, this, &WalkInDialog::book);
    m_next = new QPushButton(tr("&Next car"), this);
    m_next->setObjectName(QStringLiteral("walkInNext"));
    m_next->setAccessibleName(tr("Next car"));
    m_next->setToolTip(tr("An empty form for the next walk-in (Ctrl+N)"));
    m_next->setAutoDefault(false);
    connect(m_next, &QPushButton::clicked, this, &WalkInDialog::reset);
    m_close = new QPushButton(tr("Close"), this);
    m_close->setObjectName(QStringLiteral("walkInClose"));
    m_close->setAccessibleName(tr("Close"));
    m_close->setToolTip(tr("Close (Esc)"));
    m_close->setAutoDefault(false);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    // Enter anywhere books, whichever button had the focus last.
    m_book->setAutoDefault(false);
    m_book->setDefault(true);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_bookBusy);
    buttons->addStretch(1);
    buttons->addWidget(m_next);
    buttons->addWidget(m_book);
    buttons->addWidget(m_close);

    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addSpacing(fontMetrics().averageCharWidth() * 3);
    columns->addLayout(right, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(columns, 1);
    layout->addLayout(buttons);

    for (int i = 0; i < 9; ++i) {
        auto *washKey = new QShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)), this);
        connect(washKey, &QShortcut::activated, this, [this, i] { chooseWashByNumber(i); });
    }
    auto *nextKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_N), this);
    connect(nextKey, &QShortcut::activated, this, [this] {
        if (m_lastBooking)
            reset();
    });

    m_slotDebounce.setSingleShot(true);
    m_slotDebounce.setInterval(SlotDebounceMs);
    connect(&m_slotDebounce, &QTimer::timeout, this, &WalkInDialog::findSlot);
    m_slotRefresh.setInterval(SlotRefreshMs);
    connect(&m_slotRefresh, &QTimer::timeout, this, [this] {
        if (m_serviceId != 0 && !m_booking && !m_lastBooking && !isFindingSlot())
            findSlot();
    });
    m_slotRefresh.start();
    m_lookupDebounce.setSingleShot(true);
    m_lookupDebounce.setInterval(LookupDebounceMs);
    connect(&m_lookupDebounce, &QTimer::timeout, this, &WalkInDialog::lookUpPlate);

    resize(QSize(fontMetrics().averageCharWidth() * 120, fontMetrics().height() * 34));
    showProposal();
    updatePrice();
    updateButtons();
    updateTabOrder();
    // Whatever is typed first is the plate's, even before the washes load.
    m_plate->setFocus(Qt::OtherFocusReason);
    reloadServices();
}

QLabel *WalkInDialog::errorLabel(const QString &field) const
{
    return m_errors.value(field);
}

QString WalkInDialog::fieldError(const QString &field) const
{
    const QLabel *label = errorLabel(field);
    return label ? label->text() : QString();
}

QString WalkInDialog::slotText() const
{
    return m_slot->text();
}

QString WalkInDialog::priceText() const
{
    return m_price->text();
}

QString WalkInDialog::noticeText() const
{
    return m_notice->text();
}

std::optional<PlannedSlot> WalkInDialog::proposedSlot() const
{
    return m_proposal ? m_proposal->slot : std::nullopt;
}

std::optional<BayRef> WalkInDialog::proposedBay() const
{
    if (!m_proposal || !m_proposal->slot)
        return std::nullopt;
    return m_proposal->bay;
}

std::optional<Service> WalkInDialog::chosenService() const
{
    for (const Service &s : m_services) {
        if (s.id == m_serviceId)
            return s;
    }
    return std::nullopt;
}

QList<qint64> WalkInDialog::chosenAddons() const
{
    QList<qint64> ids;
    for (const QCheckBox *box : m_addonBoxes) {
        if (box->isChecked())
            ids.append(box->property(AddonIdProperty).toLongLong());
    }
    return ids;
}

// ---------------------------------------------------------------------------
// The catalogue

void WalkInDialog::reloadServices()
{
    const quint64 generation = ++m_servicesGeneration;
    m_loadingServices = true;
    m_packagesBusy->start(tr("Loading the washes…"));
    auto all = m_pool.withRetry(QStringLiteral("services.list"), RetryPolicy::standard(),
                                [](QSqlDatabase &db) { return ServiceRepo(db).all(); });
    Async::onResult(all, this, [this, generation](const DbResult<QList<Service>> &result) {
        if (generation != m_servicesGeneration)
            return;
        m_loadingServices = false;
        m_packagesBusy->stop();
        if (!result.ok()) {
            qCWarning(lcWalkIn).noquote() << "services not loaded:" << result.error().toLogString();
            m_banner->showMessage(ServicesSource,
                                  tr("The washes could not be loaded. %1").arg(result.error().message()),
                                  ErrorText::whatToDo(result.error()), [this] { reloadServices(); });
            Q_EMIT servicesLoaded();
            return;
        }
        m_banner->clear(ServicesSource);
        m_services = result.value();
        if (!chosenService())
            m_serviceId = 0;
        buildPackages();
        buildAddons();
        updatePrice();
        updateButtons();
        if (m_serviceId != 0)
            requestChanged();
        Q_EMIT servicesLoaded();
    });
}

void WalkInDialog::buildPackages()
{
    for (QAbstractButton *button : m_packages->buttons()) {
        m_packages->removeButton(button);
        delete button;
    }
    if (m_services.isEmpty()) {
        auto *none = new QPushButton(tr("No washes are offered yet."), m_packageArea);
        none->setEnabled(false);
        none->setAccessibleName(none->text());
        m_packages->addButton(none);
        m_packageGrid->addWidget(none, 0, 0);
        return;
    }
    const int columns = 2;
    for (int i = 0; i < m_services.size(); ++i) {
        const Service &service = m_services[i];
        auto *button = new QPushButton(m_packageArea);
        button->setObjectName(QStringLiteral("package%1").arg(service.id));
        button->setAccessibleName(service.name);
        button->setAccessibleDescription(service.description);
        button->setToolTip(service.description);
        button->setCheckable(true);
        button->setAutoDefault(false);
        button->setProperty(ServiceIdProperty, service.id);
        button->setMinimumHeight(fontMetrics().height() * 3 + 8);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
        button->setChecked(service.id == m_serviceId);
        m_packages->addButton(button);
        m_packageGrid->addWidget(button, i / columns, i % columns);
        button->show(); // now, so that focus and activation can land on it at once
    }
    updatePackageTexts();
    updateTabOrder();
}

void WalkInDialog::updatePackageTexts()
{
    const QList<QAbstractButton *> buttons = m_packages->buttons();
    for (int i = 0; i < buttons.size(); ++i) {
        QAbstractButton *button = buttons[i];
        const qint64 id = button->property(ServiceIdProperty).toLongLong();
        const auto found = std::find_if(m_services.cbegin(), m_services.cend(),
                                        [id](const Service &s) { return s.id == id; });
        if (found == m_services.cend())
            continue;
        const bool offered = found->prices.contains(m_vehicleClass);
        const QString price = offered ? Money::format(found->prices.value(m_vehicleClass), found->currency)
                                      : tr("not for this vehicle");
        // No mnemonic: Alt and the number choose (an ampersand in a name stays one).
        const QString name = QString(found->name).replace(u'&', QStringLiteral("&&"));
        const QString line = tr("%1 · %2 min").arg(price).arg(found->durationMinutes);
        button->setText(i < 9 ? tr("%1  %2\n%3").arg(i + 1).arg(name, line) : tr("%1\n%2").arg(name, line));
        button->setEnabled(offered);
    }
}

void WalkInDialog::buildAddons()
{
    const QList<qint64> before = chosenAddons();
    qDeleteAll(m_addonBoxes);
    m_addonBoxes.clear();
    const std::optional<Service> service = chosenService();
    m_noAddons->setText(service ? tr("No add-ons for this wash.") : tr("Choose a wash to see its add-ons."));
    m_noAddons->setVisible(!service || service->addons.isEmpty());
    if (service) {
        for (const Addon &addon : service->addons) {
            const QString price = Money::format(addon.priceCents, service->currency);
            auto *box = new QCheckBox(
                addon.extraMinutes > 0 ? tr("%1  +%2, +%3 min").arg(addon.name, price).arg(addon.extraMinutes)
                                       : tr("%1  +%2").arg(addon.name, price),
                m_addonArea);
            box->setObjectName(QStringLiteral("addon%1").arg(addon.id));
            box->setAccessibleName(addon.name);
            box->setProperty(AddonIdProperty, addon.id);
            box->setChecked(before.contains(addon.id));
            connect(box, &QCheckBox::toggled, this, &WalkInDialog::requestChanged);
            m_addonLayout->addWidget(box);
            box->show();
            m_addonBoxes.append(box);
        }
    }
    updateTabOrder();
}

bool WalkInDialog::chooseService(qint64 serviceId)
{
    for (QAbstractButton *button : m_packages->buttons()) {
        if (button->property(ServiceIdProperty).toLongLong() == serviceId && button->isEnabled()) {
            button->click();
            return true;
        }
    }
    return false;
}

void WalkInDialog::packageClicked(QAbstractButton *button)
{
    const qint64 id = button->property(ServiceIdProperty).toLongLong();
    if (id == 0)
        return;
    if (id != m_serviceId) {
        m_serviceId = id;
        buildAddons();
        requestChanged();
    }
    focusPlateIfEmpty();
}

void WalkInDialog::vehicleClicked(QAbstractButton *button)
{
    m_vehicleChosenByUser = true;
    const QString vehicleClass = button->property(VehicleClassProperty).toString();
    if (vehicleClass != m_vehicleClass) {
        m_vehicleClass = vehicleClass;
        updatePackageTexts();
        requestChanged();
    }
    focusPlateIfEmpty();
}

void WalkInDialog::focusPlateIfEmpty()
{
    // Click the wash (and the class), type the plate, Enter.
    if (m_plate->text().isEmpty() && m_plate->isEnabled())
        m_plate->setFocus(Qt::OtherFocusReason);
}

AvailabilityRequest WalkInDialog::currentRequest() const
{
    AvailabilityRequest request;
    request.serviceId = m_serviceId;
    request.vehicleClass = m_vehicleClass;
    request.addonIds = chosenAddons();
    return request;
}

// ---------------------------------------------------------------------------
// Next free start, price

void WalkInDialog::setPreset(const std::optional<BayRef> &bay, const QDateTime &start)
{
    m_presetBay = bay;
    m_presetStart = start.isValid() ? start : QDateTime();
    requestChanged();
}

void WalkInDialog::requestChanged()
{
    // Enter was pressed for what was chosen before; this is something else.
    if (m_bookWhenReady || m_bookAfterLookup)
        m_bookBusy->stop();
    m_bookWhenReady = false;
    m_bookAfterLookup = false;
    m_proposal.reset();
    ++m_slotGeneration; // an answer for the old choice is of no use now
    m_findingSlot = false;
    m_noticeText.clear();
    m_notice->clear();
    m_notice->hide();
    updatePrice();
    if (m_serviceId != 0) {
        m_slotBusy->start();
        m_slotDebounce.start();
    } else {
        m_slotDebounce.stop();
        m_slotBusy->stop();
    }
    showProposal();
    updateButtons();
}

void WalkInDialog::findSlot()
{
    if (m_serviceId == 0)
        return;
    m_slotDebounce.stop();
    const quint64 generation = ++m_slotGeneration;
    m_findingSlot = true;
    m_slotBusy->start();
    showProposal();
    const AvailabilityRequest request = currentRequest();
    const std::optional<BayRef> presetBay = m_presetBay;
    const QDateTime presetStart = m_presetStart;
    auto found = m_pool.withRetry(
        QStringLiteral("availability.next"), RetryPolicy::standard(),
        [request, presetBay, presetStart](QSqlDatabase &db) -> DbResult<Proposal> {
            AvailabilityRepo repo(db);
            Proposal proposal;
            if (presetBay || presetStart.isValid()) {
                AvailabilityRequest preset = request;
                preset.bayId = presetBay ? presetBay->id : 0;
                if (presetStart.isValid()) {
                    const QDate day = presetStart.date();
                    const PlanningContext ctx = repo.load(preset, day, day);
                    if (const QList<FieldError> problems = ctx.problems(); !problems.isEmpty()) {
                        proposal.preset = PresetResult::NotPossible;
                        proposal.presetProblem = problems.first().message;
                    } else {
                        for (const PlannedSlot &slot : SlotPlanner(ctx.inputFor(day)).freeSlots()) {
                            if (slot.start == presetStart) {
                                proposal.slot = slot;
                                proposal.bay = presetBay ? *presetBay : slot.bays.first();
                                proposal.preset = PresetResult::Used;
                                break;
                            }
                        }
                        if (proposal.preset != PresetResult::Used)
                            proposal.preset = PresetResult::NotFree;
                    }
                } else {
                    DbResult<std::optional<PlannedSlot>> next = repo.next(preset);
                    if (!next.ok()) {
                        proposal.preset = PresetResult::NotPossible;
                        proposal.presetProblem = next.error().message();
                    } else if (!next->has_value()) {
                        proposal.preset = PresetResult::NotFree;
                    } else {
                        proposal.slot = **next;
                        proposal.bay = *presetBay;
                        proposal.preset = PresetResult::Used;
                    }
                }
                if (proposal.preset == PresetResult::Used)
                    return proposal;
            }
            DbResult<std::optional<PlannedSlot>> next = repo.next(request);
            if (!next.ok())
                return next.error();
            proposal.slot = next.value();
            if (proposal.slot)
                proposal.bay = proposal.slot->bays.first();
            return proposal;
        });
    Async::onResult(found, this, [this, generation](const DbResult<Proposal> &result) {
        if (generation != m_slotGeneration)
            return;
        m_findingSlot = false;
        m_slotBusy->stop();
        if (!result.ok()) {
            qCWarning(lcWalkIn).noquote() << "next free start not found:" << result.error().toLogString();
            m_proposal.reset();
            m_banner->showMessage(
                SlotSource, tr("The next free time could not be found. %1").arg(result.error().message()),
                ErrorText::whatToDo(result.error()), [this] { findSlot(); });
            showProposal();
            if (m_bookWhenReady) {
                m_bookWhenReady = false;
                m_bookBusy->stop();
                Q_EMIT bookingFailed();
            }
            updateButtons();
            Q_EMIT slotShown();
            return;
        }
        m_banner->clear(SlotSource);
        m_proposal = result.value();
        switch (m_proposal->preset) {
        case PresetResult::NotFree: {
            const QString when = m_presetStart.isValid() ? BookingText::when(m_presetStart) : QString();
            m_noticeText = m_presetStart.isValid() && m_presetBay
                ? tr("%1 on %2 is not free for this wash; the next free time is offered instead.")
                      .arg(when, m_presetBay->name)
                : m_presetStart.isValid()
                ? tr("%1 is not free for this wash; the next free time is offered instead.").arg(when)
                : tr("%1 has no free time for this wash; the next free time on any bay is offered instead.")
                      .arg(m_presetBay->name);
            break;
        }
        case PresetResult::NotPossible:
            m_noticeText
                = tr("The time chosen on the board cannot be used: %1 The next free time is offered instead.")
                      .arg(m_proposal->presetProblem);
            break;
        case PresetResult::NotAsked:
        case PresetResult::Used:
            break;
        }
        showProposal();
        updateButtons();
        Q_EMIT slotShown();
        if (m_bookWhenReady) {
            m_bookWhenReady = false;
            m_bookBusy->stop();
            book();
        }
    });
}

void WalkInDialog::showProposal()
{
    QString text;
    if (m_serviceId == 0) {
        if (m_presetStart.isValid() || m_presetBay) {
            const QString where = m_presetBay ? m_presetBay->name : tr("any bay");
            text = m_presetStart.isValid() ? tr("Chosen on the board: %1 on %2. Choose a wash.")
                                                 .arg(BookingText::when(m_presetStart), where)
                                           : tr("Chosen on the board: %1. Choose a wash.").arg(where);
        } else {
            text = tr("Choose a wash to see the next free time.");
        }
    } else if (!m_proposal) {
        text = tr("Finding the next free time…");
    } else if (!m_proposal->slot) {
        text = tr("No free time: the site is closed or fully booked for this wash within the booking "
                  "horizon.");
    } else {
        const PlannedSlot &slot = *m_proposal->slot;
        const QString when = BookingText::when(slot.start);
        if (m_proposal->preset == PresetResult::Used)
            text = tr("Chosen on the board: %1 on %2 — %3")
                       .arg(when, m_proposal->bay.name, fromNow(slot.start));
        else if (isToday(slot.start))
            text = tr("Next free: %1 on %2 — %3").arg(when, m_proposal->bay.name, fromNow(slot.start));
        else
            text = tr("Nothing free today. Next free: %1 on %2").arg(when, m_proposal->bay.name);
    }
    m_slot->setText(text);
    m_slot->setAccessibleDescription(text);
    m_notice->setText(m_noticeText);
    m_notice->setVisible(!m_noticeText.isEmpty());
}

void WalkInDialog::updatePrice()
{
    const std::optional<Service> service = chosenService();
    if (!service) {
        m_price->clear();
        return;
    }
    if (!service->prices.contains(m_vehicleClass)) {
        m_price->setText(
            tr("%1 is not offered for a %2.").arg(service->name, BookingText::vehicleClass(m_vehicleClass)));
        return;
    }
    qint64 cents = service->prices.value(m_vehicleClass);
    int minutes = service->durationMinutes;
    const QList<qint64> addons = chosenAddons();
    for (const Addon &addon : service->addons) {
        if (addons.contains(addon.id)) {
            cents += addon.priceCents;
            minutes += addon.extraMinutes;
        }
    }
    m_price->setText(tr("Total %1 · %2 min").arg(Money::format(cents, service->currency)).arg(minutes));
}

// ---------------------------------------------------------------------------
// The plate and the customer

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

// ---------------------------------------------------------------------------
// Booking

BookingRequest WalkInDialog::bookingRequest() const
{
    BookingRequest request;
    request.slot = currentRequest();
    if (m_proposal && m_proposal->slot) {
        request.start = m_proposal->slot->start;
        if (m_proposal->preset == PresetResult::Used && m_presetBay)
            request.slot.bayId = m_presetBay->id;
    }
    request.startHasOffset = true;
    request.plate = m_plate->text();
    request.name = m_name->text();
    request.phone = m_phone->text();
    request.email = m_email->text();
    request.actor = m_staff.actor();
    return request;
}

void WalkInDialog::book()
{
    if (m_booking || m_lastBooking)
        return;
    clearFieldErrors();
    if (m_serviceId == 0) {
        // The focus stays where the typing is; Alt and a number choose.
        m_noticeText = tr("Choose a wash first (Alt+1 to Alt+9).");
        showProposal();
        Q_EMIT bookingFailed();
        return;
    }
    // What needs no database is checked here, so a typing mistake costs no
    // round trip; the engine checks everything again.
    BookingRequest check = bookingRequest();
    if (!check.start.isValid())
        check.start = QDateTime::currentDateTimeUtc();
    QList<FieldError> problems;
    for (const FieldError &e : check.normalised().validate()) {
        if (FormFields.contains(e.field))
            problems.append(e);
    }
    const bool onlyNameMissing = !problems.isEmpty() && m_name->text().trimmed().isEmpty()
        && std::all_of(problems.cbegin(), problems.cend(),
                       [](const FieldError &e) { return e.field == u"name"; });
    if (onlyNameMissing && isLookingUp()) {
        // A known plate is about to fill in the name: book once it has.
        m_bookAfterLookup = true;
        m_bookBusy->start(tr("Looking up the plate…"));
        return;
    }
    if (!problems.isEmpty()) {
        showFieldErrors(problems);
        Q_EMIT bookingFailed();
        return;
    }
    if (!m_proposal) {
        // Enter before the next free time arrived: book as soon as it does.
        m_bookWhenReady = true;
        m_bookBusy->start(tr("Finding the next free time…"));
        if (!isFindingSlot())
            findSlot();
        return;
    }
    if (!m_proposal->slot) {
        m_noticeText = tr("There is no free time to book for this wash.");
        showProposal();
        Q_EMIT bookingFailed();
        return;
    }
    bookNow();
}

void WalkInDialog::bookNow()
{
    BookingRequest request = bookingRequest();
    // One key per intent: Enter again, or Retry after the database was
    // away, sends the same key and gets the same booking back; changing
    // any detail makes it a new intent.
    const BookingRequest normalised = request.normalised();
    const QString signature = normalised.requestHash(request.start);
    if (signature != m_intentSignature || m_intentKey.isEmpty()) {
        m_intentSignature = signature;
        m_intentKey = QUuid::createUuid().toString(QUuid::WithoutBraces);
    }
    request.idempotencyKey = m_intentKey;
    m_banner->clear(BookSource);
    setBookingBusy(true);
    auto outcome = m_pool.withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                                    [request](QSqlDatabase &db) { return BookingRepo(db).create(request); });
    Async::onResult(outcome, this, [this](const DbResult<BookingOutcome> &result) {
        setBookingBusy(false);
        if (!result.ok()) {
            qCWarning(lcWalkIn).noquote() << "walk-in not booked:" << result.error().toLogString();
            m_banner->showMessage(BookSource,
                                  tr("The booking was not saved. %1").arg(result.error().message()),
                                  ErrorText::whatToDo(result.error()), [this] { book(); });
            updateButtons();
            Q_EMIT bookingFailed();
            return;
        }
        handleOutcome(result.value());
    });
}

void WalkInDialog::handleOutcome(const BookingOutcome &outcome)
{
    switch (outcome.result) {
    case BookingOutcome::Result::Booked:
    case BookingOutcome::Result::Replayed:
        m_lastBooking = outcome.booking;
        m_intentKey.clear();
        m_intentSignature.clear();
        m_presetBay.reset();
        m_presetStart = QDateTime();
        showConfirmation(outcome.booking);
        qCInfo(lcWalkIn) << "booked" << outcome.booking.id << "by" << m_staff.actor();
        Q_EMIT booked(outcome.booking);
        return;
    case BookingOutcome::Result::Invalid: {
        showFieldErrors(outcome.errors);
        const bool startRefused = std::any_of(outcome.errors.cbegin(), outcome.errors.cend(),
                                              [](const FieldError &e) { return e.field == u"start"; });
        if (startRefused) {
            // The time shown went by (or the rules changed): offer a fresh one.
            const QString kept = m_noticeText;
            m_proposal.reset();
            findSlot();
            m_noticeText = kept;
            showProposal();
        }
        updateButtons();
        Q_EMIT bookingFailed();
        return;
    }
    case BookingOutcome::Result::SlotTaken:
        // The board's choice is gone; whatever is free next on any bay will do.
        m_presetBay.reset();
        m_presetStart = QDateTime();
        if (!outcome.alternatives.isEmpty()) {
            ++m_slotGeneration;
            m_slotDebounce.stop();
            m_findingSlot = false;
            m_slotBusy->stop();
            Proposal next;
            next.slot = outcome.alternatives.first();
            next.bay = next.slot->bays.first();
            m_proposal = next;
            m_noticeText = tr("That time was just taken. The next free time is shown above; press Enter to "
                              "book it.");
            showProposal();
        } else {
            m_proposal.reset();
            findSlot();
            m_noticeText = tr("That time was just taken. Looking for the next free time…");
            showProposal();
        }
        updateButtons();
        Q_EMIT slotShown();
        Q_EMIT bookingFailed();
        return;
    }
}

void WalkInDialog::showConfirmation(const Booking &booking)
{
    m_confirmationCode->setText(booking.code);
    const QLocale locale = DisplayLocale::get();
    QStringList addons;
    for (const BookedAddon &addon : booking.addons)
        addons << addon.name;
    const QString wash = addons.isEmpty()
        ? tr("%1, %2").arg(booking.serviceName, BookingText::vehicleClass(booking.vehicleClass))
        : tr("%1, %2 + %3")
              .arg(booking.serviceName, BookingText::vehicleClass(booking.vehicleClass),
                   addons.join(QStringLiteral(", ")));
    m_confirmationDetails->setText(tr("%1 on %2, until %3\n%4\n%5 · %6\n%7")
                                       .arg(BookingText::when(booking.start), booking.bay.name,
                                            locale.toString(booking.end.time(), QLocale::ShortFormat), wash,
                                            booking.plate, booking.customerName,
                                            Money::format(booking.priceCents, booking.currency)));
    m_confirmation->setAccessibleDescription(
        tr("Booked, code %1. %2").arg(booking.code, m_confirmationDetails->text()));
    m_confirmation->show();
    m_noticeText.clear();
    m_slot->setText(tr("Booked for %1 on %2").arg(BookingText::when(booking.start), booking.bay.name));
    m_price->setText(tr("Total %1").arg(Money::format(booking.priceCents, booking.currency)));
    m_notice->hide();
    updateButtons();
    m_next->setFocus(Qt::OtherFocusReason);
}

void WalkInDialog::showFieldErrors(const QList<FieldError> &errors)
{
    clearFieldErrors();
    QWidget *first = nullptr;
    QStringList elsewhere;
    const QHash<QString, QLineEdit *> fields = {{QStringLiteral("plate"), m_plate},
                                                {QStringLiteral("name"), m_name},
                                                {QStringLiteral("phone"), m_phone},
                                                {QStringLiteral("email"), m_email}};
    for (const QString &field : FormFields) {
        QStringList messages;
        for (const FieldError &e : errors) {
            if (e.field == field)
                messages << e.message;
        }
        if (messages.isEmpty())
            continue;
        QLabel *label = errorLabel(field);
        label->setText(messages.join(u'\n'));
        label->show();
        fields.value(field)->setAccessibleDescription(label->text());
        if (!first)
            first = fields.value(field);
    }
    for (const FieldError &e : errors) {
        if (!FormFields.contains(e.field))
            elsewhere << e.message;
    }
    if (!elsewhere.isEmpty()) {
        m_noticeText = elsewhere.join(u'\n');
        showProposal();
    }
    if (first)
        first->setFocus(Qt::OtherFocusReason);
}

void WalkInDialog::clearFieldErrors()
{
    for (QLabel *label : std::as_const(m_errors)) {
        label->clear();
        label->hide();
    }
    for (QLineEdit *field : {m_plate, m_name, m_phone, m_email})
        field->setAccessibleDescription(QString());
}

void WalkInDialog::setBookingBusy(bool busy)
{
    m_booking = busy;
    if (busy) {
        // Nothing may change the request while it is on its way, and a
        // late "next free" must not replace what is being booked.
        ++m_slotGeneration;
        m_slotDebounce.stop();
        m_findingSlot = false;
        m_slotBusy->stop();
        m_focusBeforeBooking = focusWidget();
        m_bookBusy->start(tr("Booking…"));
    } else {
        m_bookBusy->stop();
    }
    updateButtons();
    if (!busy && m_focusBeforeBooking && m_focusBeforeBooking->isEnabled() && !m_lastBooking)
        m_focusBeforeBooking->setFocus(Qt::OtherFocusReason);
}

void WalkInDialog::updateButtons()
{
    const bool done = m_lastBooking.has_value();
    m_book->setEnabled(!m_booking && !done && !m_loadingServices);
    m_book->setVisible(!done);
    m_next->setVisible(done);
    m_next->setEnabled(done);
    m_book->setDefault(!done);
    m_next->setDefault(done);
    const bool editable = !m_booking && !done;
    m_packageArea->setEnabled(editable);
    m_addonArea->setEnabled(editable);
    for (QPushButton *button : std::as_const(m_classButtons))
        button->setEnabled(editable);
    for (QLineEdit *field : {m_plate, m_name, m_phone, m_email})
        field->setReadOnly(!editable);
}

void WalkInDialog::updateTabOrder()
{
    // The three clicks and the plate in the order they are made: wash,
    // vehicle, add-ons, plate, then the rest of the customer, then Book.
    QList<QWidget *> order;
    for (QAbstractButton *button : m_packages->buttons())
        order << button;
    for (QPushButton *button : std::as_const(m_classButtons))
        order << button;
    for (QCheckBox *box : std::as_const(m_addonBoxes))
        order << box;
    order << m_plate << m_name << m_phone << m_email << m_book << m_next << m_close << m_history;
    for (int i = 1; i < order.size(); ++i)
        setTabOrder(order[i - 1], order[i]);
}

void WalkInDialog::reset()
{
    m_lastBooking.reset();
    m_confirmation->hide();
    m_confirmationCode->clear();
    m_confirmationDetails->clear();
    m_bookWhenReady = false;
    m_bookBusy->stop();
    m_intentKey.clear();
    m_intentSignature.clear();
    m_presetBay.reset();
    m_presetStart = QDateTime();
    ++m_lookupGeneration;
    m_lookupDebounce.stop();
    m_lookingUp = false;
    m_lookedUpPlate.clear();
    m_customer.reset();
    m_editedByUser.clear();
    m_filledFromLookup.clear();
    for (QLineEdit *field : {m_plate, m_name, m_phone, m_email})
        field->clear();
    m_customerInfo->hide();
    m_history->clear();
    m_history->hide();
    clearFieldErrors();
    m_banner->clear(BookSource);
    m_banner->clear(SlotSource);
    m_banner->clear(LookupSource);

    m_packages->setExclusive(false);
    for (QAbstractButton *button : m_packages->buttons())
        button->setChecked(false);
    m_packages->setExclusive(true);
    m_serviceId = 0;
    m_vehicleClass = VehicleClasses.first();
    m_vehicleChosenByUser = false;
    m_classButtons.first()->setChecked(true);
    buildAddons();
    updatePackageTexts();
    requestChanged();
    m_plate->setFocus(Qt::OtherFocusReason);
}

void WalkInDialog::chooseWashByNumber(int index)
{
    if (m_booking || m_lastBooking)
        return;
    const QList<QAbstractButton *> buttons = m_packages->buttons();
    if (index < buttons.size() && buttons[index]->isEnabled())
        buttons[index]->click();
}

void WalkInDialog::keyPressEvent(QKeyEvent *event)
{
    // Text typed while a button has the focus (after a click on a wash)
    // belongs to the plate while it is empty: a plate starts with a letter
    // or digit, never with a command.
    const bool plainText = !event->text().isEmpty() && event->text().at(0).isPrint()
        && (event->modifiers() & ~(Qt::ShiftModifier | Qt::KeypadModifier)) == Qt::NoModifier;
    if (plainText && !qobject_cast<QLineEdit *>(focusWidget()) && !m_plate->isReadOnly()
        && m_plate->text().isEmpty()) {
        m_plate->setFocus(Qt::OtherFocusReason);
        QCoreApplication::sendEvent(m_plate, event);
        return;
    }
    QDialog::keyPressEvent(event);
}
