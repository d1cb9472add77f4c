#include "ui/kiosk/platescreen.h"

#include "db/bookings/bookingrequest.h"
#include "ui/kiosk/kioskorder.h"
#include "ui/kiosk/onscreenkeyboard.h"
#include "ui/kiosk/orientationlayout.h"

#include <QEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace {

QLineEdit *bigField(const QString &objectName, QWidget *parent)
{
    auto *field = new QLineEdit(parent);
    field->setObjectName(objectName);
    QFont font = field->font();
    font.setPointSizeF(font.pointSizeF() * 1.8);
    font.setBold(true);
    field->setFont(font);
    field->setMinimumHeight(field->fontMetrics().height() * 2);
    // Our keyboard types here; no system input method pops up.
    field->setAttribute(Qt::WA_InputMethodEnabled, false);
    return field;
}

// An e-mail address has an @; anything else given is a phone number.
bool looksLikeEmail(const QString &contact)
{
    return contact.contains(u'@');
}

} // namespace

PlateScreen::PlateScreen(KioskOrder &order, QWidget *parent)
    : KioskScreen(parent)
    , m_order(order)
{
    setObjectName(QStringLiteral("kioskPlate"));
    m_plateLabel = new QLabel(this);
    m_plateLabel->setWordWrap(true);
    m_plate = bigField(QStringLiteral("plateField"), this);
    m_plate->setMaxLength(16);
    m_contact = bigField(QStringLiteral("contactField"), this);
    m_contact->setMaxLength(120);
    m_contact->hide();
    m_plate->installEventFilter(this);
    m_contact->installEventFilter(this);
    m_contactButton = bigButton(QStringLiteral("plateAddContact"), this);
    connect(m_contactButton, &QPushButton::clicked, this, [this] {
        m_contact->show();
        setTarget(m_target == m_contact ? m_plate : m_contact);
    });
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("plateError"));
    m_error->setWordWrap(true);
    m_error->setProperty("kioskRole", QStringLiteral("error"));
    m_error->hide();
    m_keyboard = new OnScreenKeyboard(this);
    connect(m_keyboard, &OnScreenKeyboard::typed, this, &PlateScreen::type);
    connect(m_keyboard, &OnScreenKeyboard::backspace, this, [this] { m_target->backspace(); });
    m_continue = bigButton(QStringLiteral("plateContinue"), this);
    makePrimary(m_continue);
    connect(m_continue, &QPushButton::clicked, this, &PlateScreen::submit);
    connect(m_plate, &QLineEdit::returnPressed, this, &PlateScreen::submit);
    connect(m_contact, &QLineEdit::returnPressed, this, &PlateScreen::submit);
    connect(m_plate, &QLineEdit::textChanged, this, [this] { retranslate(); });

    // The fields and the keyboard with Continue: stacked on a tall screen,
    // beside each other on a wide one (a 1280x800 screen at 150 % has no
    // room for them stacked).
    auto *fields = new QVBoxLayout;
    fields->setContentsMargins(0, 0, 0, 0);
    fields->addWidget(m_plateLabel);
    fields->addWidget(m_plate);
    fields->addWidget(m_contactButton);
    fields->addWidget(m_contact);
    fields->addWidget(m_error);
    fields->addStretch(1);
    auto *typing = new QVBoxLayout;
    typing->setContentsMargins(0, 0, 0, 0);
    typing->addWidget(m_keyboard, 1);
    typing->addWidget(m_continue);
    m_arrangement = new OrientationLayout;
    m_arrangement->addLayout(fields, 2);
    m_arrangement->addLayout(typing, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(titleLabel());
    layout->addLayout(m_arrangement, 1);
    m_target = m_plate;
    retranslate();
    updateTitle();
}

QString PlateScreen::title() const
{
    return tr("Your licence plate");
}

QString PlateScreen::describe() const
{
    return tr("Entering the licence plate");
}

QString PlateScreen::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void PlateScreen::setTarget(QLineEdit *field)
{
    m_target = field;
    retranslate();
}

bool PlateScreen::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::FocusIn || event->type() == QEvent::MouseButtonPress) {
        if (watched == m_plate)
            setTarget(m_plate);
        else if (watched == m_contact)
            setTarget(m_contact);
    }
    return KioskScreen::eventFilter(watched, event);
}

void PlateScreen::type(const QString &text)
{
    if (m_target->text().size() < m_target->maxLength())
        m_target->insert(m_target == m_contact ? text.toLower() : text);
}

void PlateScreen::showOrder()
{
    m_plate->setText(m_order.plate);
    m_contact->setText(m_order.email.isEmpty() ? m_order.phone : m_order.email);
    m_contact->setVisible(!m_contact->text().isEmpty());
    m_target = m_plate;
    retranslate();
}

void PlateScreen::keepTyped()
{
    const QString contact = m_contact->text().trimmed();
    m_order.plate = m_plate->text();
    m_order.phone = looksLikeEmail(contact) ? QString() : contact;
    m_order.email = looksLikeEmail(contact) ? contact : QString();
}

void PlateScreen::clear()
{
    m_plate->clear();
    m_contact->clear();
    m_contact->hide();
    m_error->clear();
    m_error->hide();
    m_target = m_plate;
    retranslate();
}

void PlateScreen::submit()
{
    // The desk's rules: the plate normalised and checked, phone and e-mail
    // as the desk checks them. The booking engine checks it all again.
    BookingRequest check;
    check.plate = m_plate->text();
    check.name = QStringLiteral("kiosk");
    check.start = QDateTime::currentDateTimeUtc();
    const QString contact = m_contact->text().trimmed();
    (looksLikeEmail(contact) ? check.email : check.phone) = contact;
    QStringList problems;
    for (const FieldError &e : check.normalised().validate()) {
        if (e.field == u"plate" || e.field == u"phone" || e.field == u"email")
            problems << e.message;
    }
    if (!problems.isEmpty()) {
        m_error->setText(problems.join(u'\n'));
        m_error->show();
        return;
    }
    m_error->hide();
    m_order.plate = BookingRequest::normalisePlate(m_plate->text());
    m_order.phone = looksLikeEmail(contact) ? QString() : contact;
    m_order.email = looksLikeEmail(contact) ? contact : QString();
    Q_EMIT entered();
}

void PlateScreen::retranslate()
{
    m_plateLabel->setText(tr("Type your plate on the keyboard, then touch Continue."));
    m_plate->setAccessibleName(tr("Licence plate"));
    m_plate->setPlaceholderText(tr("Plate"));
    m_contact->setAccessibleName(tr("Phone or e-mail for the receipt"));
    m_contact->setPlaceholderText(tr("Phone or e-mail (optional)"));
    setSpoken(m_contactButton,
              m_target == m_contact ? tr("Back to the plate") : tr("Receipt by phone\nor e-mail (optional)"),
              m_target == m_contact ? tr("Back to the plate") : tr("Add a phone number or e-mail address"),
              tr("For a receipt; not needed to book."));
    const QString plate = BookingRequest::normalisePlate(m_plate->text());
    setSpoken(m_continue, tr("Continue"), tr("Continue"),
              plate.isEmpty() ? tr("Type your plate first") : tr("Plate %1").arg(plate));
    m_continue->setEnabled(!m_plate->text().trimmed().isEmpty());
}

bool PlateScreen::sideBySide() const
{
    return m_arrangement->sideBySide();
}
