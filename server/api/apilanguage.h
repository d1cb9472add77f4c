#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTranslator>

#include <memory>

// The language of one API request, not the process's: every text an answer
// carries (validation messages from the booking engine, the API's own) is
// translated for that request's Accept-Language, even while other requests
// in other languages are answered at the same moment on other threads.
//
// How: one RequestTranslator is installed in the application, above the
// process's own translator, and consults the translator of the language
// that is current on the calling thread (a LanguageScope sets it for as
// long as it lives). Outside any scope it answers nothing and tr() works as
// before. The .qm files are the programs' own (":/i18n").
class ApiLanguage
{
public:
    // The languages the API answers in; the first is the fallback.
    static const QStringList &supported();
    // The best of supported() for an Accept-Language header ("es-MX,es;q=0.9,
    // en;q=0.8"): by quality, then order; "*" or nothing we have: English.
    static QString choose(const QByteArray &acceptLanguage);
};

class RequestTranslator : public QTranslator
{
public:
    RequestTranslator();
    ~RequestTranslator() override;

    QString translate(const char *context, const char *sourceText, const char *disambiguation = nullptr,
                      int n = -1) const override;
    bool isEmpty() const override { return false; }

private:
    struct Language;
    std::unique_ptr<Language[]> m_languages;
};

// Makes language the current one on this thread until destroyed (nests).
class LanguageScope
{
public:
    explicit LanguageScope(const QString &language);
    ~LanguageScope();
    LanguageScope(const LanguageScope &) = delete;
    LanguageScope &operator=(const LanguageScope &) = delete;

private:
    int m_previous;
};
