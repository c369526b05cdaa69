"""The UI shell: public pages, dashboards, language switch, error pages."""
