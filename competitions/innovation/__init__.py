"""Innovation contests (职工创新竞赛): entries, attachments, unit pre-review, expert review, adoption."""
