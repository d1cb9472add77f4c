#pragma once

// Duplicate mnemonics in one window: "&Done" and "Save receipt P&DF…" both
// answer Alt+D, and Qt then only cycles focus between them. For GUI tests:
// QVERIFY2(Mnemonics::clashes(dialog).isEmpty(), …) lists each clash.

#include <QAbstractButton>
#include <QGroupBox>
#include <QLabel>
#include <QMap>
#include <QMenu>
#include <QStringList>
#include <QTabWidget>
#include <QWidget>

namespace Mnemonics {

// The letter after a single '&' ("&&" is a literal ampersand), lower-cased.
inline QChar letterOf(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != u'&')
            continue;
        if (text.at(i + 1) == u'&') {
            ++i;
            continue;
        }
        return text.at(i + 1).toLower();
    }
    return {};
}

// What in window answers Alt+letter now: buttons (push, tool, check, radio),
// labels with a buddy, checkable group boxes and tab titles — of the widgets
// shown (or that would be shown with window), other tabs' pages excluded.
inline QMap<QChar, QStringList> letters(QWidget *window)
{
    QMap<QChar, QStringList> found;
    auto add = [&found](const QString &text, const QWidget *widget) {
        const QChar letter = letterOf(text);
        if (!letter.isNull())
            found[letter] << QStringLiteral("\"%1\" (%2)").arg(text, widget->objectName());
    };
    const QList<QWidget *> widgets = window->findChildren<QWidget *>();
    for (QWidget *w : widgets) {
        if (!w->isVisibleTo(window) || w->window() != window)
            continue;
        if (auto *button = qobject_cast<QAbstractButton *>(w))
            add(button->text(), button);
        else if (auto *label = qobject_cast<QLabel *>(w); label && label->buddy())
            add(label->text(), label);
        else if (auto *group = qobject_cast<QGroupBox *>(w); group && group->isCheckable())
            add(group->title(), group);
        else if (auto *tabs = qobject_cast<QTabWidget *>(w)) {
            for (int i = 0; i < tabs->count(); ++i) {
                if (tabs->isTabVisible(i))
                    add(tabs->tabText(i), tabs);
            }
        }
    }
    return found;
}

// Each letter more than one control answers, on each tab of each tab
// widget in turn (the current tab is restored).
inline QStringList clashes(QWidget *window)
{
    QStringList problems;
    auto check = [&problems, window](const QString &where) {
        const QMap<QChar, QStringList> found = letters(window);
        for (auto it = found.cbegin(); it != found.cend(); ++it) {
            if (it.value().size() > 1)
                problems << QStringLiteral("%1Alt+%2: %3")
                                .arg(where, QString(it.key()), it.value().join(QStringLiteral(", ")));
        }
    };
    check(QString());
    const QList<QTabWidget *> tabWidgets = window->findChildren<QTabWidget *>();
    for (QTabWidget *tabs : tabWidgets) {
        if (!tabs->isVisibleTo(window))
            continue;
        const int current = tabs->currentIndex();
        for (int i = 0; i < tabs->count(); ++i) {
            if (i == current || !tabs->isTabVisible(i))
                continue;
            tabs->setCurrentIndex(i);
            check(QStringLiteral("[%1] ").arg(tabs->tabText(i)));
        }
        tabs->setCurrentIndex(current);
    }
    problems.removeDuplicates();
    return problems;
}

// What answers each letter while menu is open: its visible entries (a
// separator has none). An entry without a letter is listed under a null QChar.
inline QMap<QChar, QStringList> menuLetters(const QMenu *menu)
{
    QMap<QChar, QStringList> found;
    const QList<QAction *> actions = menu->actions();
    for (const QAction *action : actions) {
        if (action->isVisible() && !action->isSeparator())
            found[letterOf(action->text())]
                << QStringLiteral("\"%1\" (%2)").arg(action->text(), action->objectName());
    }
    return found;
}

// Each letter more than one entry of menu answers, and each entry without one.
inline QStringList menuClashes(const QMenu *menu)
{
    QStringList problems;
    const QMap<QChar, QStringList> found = menuLetters(menu);
    for (auto it = found.cbegin(); it != found.cend(); ++it) {
        if (it.key().isNull())
            problems << QStringLiteral("no letter: %1").arg(it.value().join(QStringLiteral(", ")));
        else if (it.value().size() > 1)
            problems << QStringLiteral("%1: %2").arg(QString(it.key()),
                                                     it.value().join(QStringLiteral(", ")));
    }
    return problems;
}

} // namespace Mnemonics
