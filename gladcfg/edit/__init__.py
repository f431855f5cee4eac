"""What writes the project's own files: an instance as new resource files (:mod:`.export`),
its values into the files (:mod:`.pull`), its objects adopted into a file (:mod:`.adopt`,
``gladcfg import``), and the files' canonical layout (:mod:`.fmt`)."""
