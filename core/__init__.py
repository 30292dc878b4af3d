"""The application's core: settings, the services context, i18n, metrics and scheduled jobs."""
