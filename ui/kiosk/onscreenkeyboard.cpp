#include "ui/kiosk/onscreenkeyboard.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>

namespace {

const char *const KeyTextProperty = "keyText";

QPushButton *makeKey(const QString &objectName, QWidget *parent)
{
    auto *key = new QPushButton(parent);
    key->setObjectName(objectName);
    key->setAutoDefault(false);
    key->setFocusPolicy(Qt::StrongFocus);
    // Two lines high: with the kiosk's style (targets of at least 9 mm)
    // five rows still leave the plate screen room on a 1280x800 kiosk.
    key->setMinimumSize(key->fontMetrics().height() * 2, key->fontMetrics().height() * 2);
    key->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    QFont font = key->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    key->setFont(font);
    return key;
}

} // namespace

OnScreenKeyboard::OnScreenKeyboard(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("onScreenKeyboard"));
    const QStringList rows = {QStringLiteral("1234567890"), QStringLiteral("QWERTYUIOP"),
                              QStringLiteral("ASDFGHJKL-"), QStringLiteral("ZXCVBNM@.+")};
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(8);
    for (const QString &row : rows) {
        auto *line = new QHBoxLayout;
        line->setSpacing(8);
        for (const QChar c : row) {
            const QString text(c);
            QPushButton *key = makeKey(QStringLiteral("key_%1").arg(c.unicode()), this);
            key->setText(text == u"&" ? QStringLiteral("&&") : text);
            key->setProperty(KeyTextProperty, text);
            connect(key, &QPushButton::clicked, this, [this, text] { Q_EMIT typed(text); });
            line->addWidget(key);
            m_keys.append(key);
        }
        layout->addLayout(line);
    }
    auto *bottom = new QHBoxLayout;
    bottom->setSpacing(8);
    m_space = makeKey(QStringLiteral("key_space"), this);
    m_space->setProperty(KeyTextProperty, QStringLiteral(" "));
    connect(m_space, &QPushButton::clicked, this, [this] { Q_EMIT typed(QStringLiteral(" ")); });
    m_backspace = makeKey(QStringLiteral("key_backspace"), this);
    connect(m_backspace, &QPushButton::clicked, this, &OnScreenKeyboard::backspace);
    bottom->addWidget(m_space, 3);
    bottom->addWidget(m_backspace, 1);
    layout->addLayout(bottom);
    m_keys.append(m_space);
    retranslate();
}

QPushButton *OnScreenKeyboard::key(const QString &text) const
{
    for (QPushButton *key : m_keys) {
        if (key->property(KeyTextProperty).toString() == text)
            return key;
    }
    return nullptr;
}

void OnScreenKeyboard::retranslate()
{
    for (QPushButton *key : std::as_const(m_keys)) {
        const QString text = key->property(KeyTextProperty).toString();
        if (key != m_space)
            key->setAccessibleName(text == u"-" ? tr("Dash") : text);
    }
    m_space->setText(tr("Space"));
    m_space->setAccessibleName(tr("Space"));
    m_backspace->setText(tr("⌫ Delete"));
    m_backspace->setAccessibleName(tr("Delete the last character"));
}

void OnScreenKeyboard::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}
