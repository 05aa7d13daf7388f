"""Write-audit-publish: data-quality runs recorded against assets."""
