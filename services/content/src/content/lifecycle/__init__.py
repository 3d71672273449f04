"""An item's way from draft to archive: review, approval, scheduled publication and expiry."""
