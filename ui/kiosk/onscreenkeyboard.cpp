#include "ui/kiosk/onscreenkeyboard.h"

#include <QEvent>
#include <QResizeEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace {

const char *const KeyTextProperty = "keyText";
constexpr int KeySpacing = 8;

QPushButton *makeKey(const QString &objectName, QWidget *parent)
{
    auto *key = new QPushButton(parent);
    key->setObjectName(objectName);
    key->setAutoDefault(false);
    key->setFocusPolicy(Qt::StrongFocus);
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
    // A key holds one character: no padding beside it, so ten keys and
    // their gaps fit a 1280x800 screen at 150 % (the style keeps each key a
    // full touch target).
    setStyleSheet(QStringLiteral("QPushButton { padding: 0px; }"));
    const QStringList rows = {QStringLiteral("1234567890"), QStringLiteral("QWERTYUIOP"),
                              QStringLiteral("ASDFGHJKL-"), QStringLiteral("ZXCVBNM@.+")};
    auto *layout = new QVBoxLayout(this);
    // The screen around it has its margins already.
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(KeySpacing);
    // Keys grow with the room there is up to square (resizeEvent), rows
    // together just above Continue; height beyond that goes above them (on
    // a 1080x1920 screen keys stretched to fill it stood three times as tall
    // as wide).
    layout->addStretch(0);
    for (const QString &row : rows) {
        auto *line = new QHBoxLayout;
        line->setSpacing(KeySpacing);
        for (const QChar c : row) {
            const QString text(c);
            QPushButton *key = makeKey(QStringLiteral("key_%1").arg(c.unicode()), this);
            key->setText(text == u"&" ? QStringLiteral("&&") : text);
            key->setProperty(KeyTextProperty, text);
            connect(key, &QPushButton::clicked, this, [this, text] { Q_EMIT typed(text); });
            line->addWidget(key);
            m_keys.append(key);
        }
        layout->addLayout(line, 1);
    }
    auto *bottom = new QHBoxLayout;
    bottom->setSpacing(KeySpacing);
    m_space = makeKey(QStringLiteral("key_space"), this);
    m_space->setProperty(KeyTextProperty, QStringLiteral(" "));
    connect(m_space, &QPushButton::clicked, this, [this] { Q_EMIT typed(QStringLiteral(" ")); });
    m_backspace = makeKey(QStringLiteral("key_backspace"), this);
    connect(m_backspace, &QPushButton::clicked, this, &OnScreenKeyboard::backspace);
    bottom->addWidget(m_space, 3);
    bottom->addWidget(m_backspace, 1);
    layout->addLayout(bottom, 1);
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

void OnScreenKeyboard::resizeEvent(QResizeEvent *event)
{
    // No key taller than a character key is wide (the widest row has ten).
    const int keyWidth = (event->size().width() - 9 * KeySpacing) / 10;
    for (QPushButton *key : std::as_const(m_keys))
        key->setMaximumHeight(std::max(keyWidth, key->minimumSizeHint().height()));
    m_backspace->setMaximumHeight(m_space->maximumHeight());
    QWidget::resizeEvent(event);
}

void OnScreenKeyboard::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}
