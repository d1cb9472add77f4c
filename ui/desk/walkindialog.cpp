#include "ui/desk/walkindialog.h"

#include "db/bookings/bookingrequest.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/bookingtext.h"
#include "ui/desk/walkindialog_p.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QTreeWidget>
#include <QVBoxLayout>

// The form: its layout, the keys, what may be edited when, and an empty
// form for the next car. The catalogue, the proposed start, the customer
// look-up and booking are in walkin*.cpp beside this file.

Q_LOGGING_CATEGORY(lcWalkIn, "carwash.ui.walkin", QtWarningMsg)

using namespace WalkInForm;

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
    auto *keyHint = new QLabel(tr("Type the plate at once. Choose a wash with Alt+1 to Alt+9, or go to the "
                                  "washes with Shift+Tab and choose with the arrow keys."),
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
