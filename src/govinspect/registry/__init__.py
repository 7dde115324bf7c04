"""Registry: units (责任单位), sites (门户网站/部门网站/子站) and who answers for each finding."""
