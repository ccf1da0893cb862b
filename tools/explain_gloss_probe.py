#!/usr/bin/env python3
"""Probe: could the offline scorer read Spanish, French and German answers by
glossing them word by word into English and scoring the gloss?

Measurement only: pyharness does not do this (answers in those languages are
flagged `needs_review`, not scored offline).  The glossaries below were written
from the tuning set's answers (audit-tune.jsonl) and general vocabulary; the
held-out sets were scored once, after.  Figures on 2026-11-29: within 2 points
of the grade on 12/12 tuning answers, 11/12 held-out (audit), 6/12 held-out 2,
so not trustworthy enough to score: see the report in the session note.

    PYHARNESS_BIN=build/pyharness python3 tools/explain_gloss_probe.py \
        tests/data/explanations/audit-*.jsonl
"""
import json, re, subprocess, sys, tempfile, os
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent

COMMON = {
 'es': """el the|la the|los the|las the|un a|una a|unos some|unas some|de of|del of the|al to the|a to|en in|y and|e and|o or|u or|no not|ni nor|que that|qué what|con with|sin without|por by|para for|como like|cómo how|cuando when|mientras while|pero but|sino but|porque because|así so|entonces then|donde where|es is|son are|está is|están are|ser be|estar be|hay there is|se itself|lo it|le it|les them|su its|sus its|este this|esta this|estos these|esto this|ese that|esa that|eso that|cada each|todo all|toda all|todos all|todas all|otro another|otra another|otros other|otras other|mismo same|misma same|mismos same|solo only|sólo only|también also|más more|menos less|muy very|ya already|antes before|después after|luego then|hasta until|sobre over|entre between|durante during|desde from|si if|sí yes|también also|puede can|pueden can|hace makes|hacen make|tiene has|tienen have|usa uses|usar use|uso use|usan use|sirve serves|vez time|veces times|igual same|nunca never|siempre always|aunque although|sin embargo however|en lugar de instead of|en vez de instead of|a la vez at once|al mismo tiempo at the same time|uno one|una one|dos two|cual which|cuál which|quien who|tu your|tus your|mi my|mis my""",
 'fr': """le the|la the|les the|l' the|un a|une a|des some|de of|du of the|d' of|au to the|aux to the|à to|en in|dans in|et and|ou or|ne not|pas not|n' not|ni nor|que that|qu' that|qui which|quoi what|avec with|sans without|par by|pour for|comme like|comment how|quand when|lorsque when|pendant while|pendant que while|mais but|car because|parce que because|donc so|alors then|où where|est is|sont are|être be|il it|elle it|ils they|elles they|on one|se itself|s' itself|son its|sa its|ses its|leur their|leurs their|ce this|cet this|cette this|ces these|chaque each|tout all|toute all|tous all|toutes all|autre other|autres other|même same|mêmes same|seul only|seulement only|aussi also|plus more|moins less|très very|déjà already|avant before|après after|puis then|jusqu'à until|sur on|entre between|depuis since|si if|peut can|peuvent can|fait makes|font make|a has|ont have|utilise uses|utiliser use|sert serves|fois time|jamais never|toujours always|bien que although|cependant however|au lieu de instead of|à la fois at once|en même temps at the same time|y there|c' it|ça that|cela that|on one|un one|une one|deux two|lequel which|votre your|vos your|ma my|mon my|mes my|je i|j' i|tu you|vous you|nous we""",
 'de': """der the|die the|das the|den the|dem the|des of the|ein a|eine a|einen a|einem a|einer a|eines of a|und and|oder or|nicht not|kein no|keine no|keinen no|nie never|niemals never|dass that|was what|wie how|mit with|ohne without|von of|vom of the|zu to|zum to the|zur to the|für for|als as|wenn when|während while|aber but|sondern but|weil because|da since|deshalb therefore|daher therefore|also so|dann then|wo where|ist is|sind are|sein be|es it|er it|sie they|man one|sich itself|sein its|seine its|seinen its|ihr its|ihre their|ihren their|dies this|dieser this|diese these|dieses this|jede each|jeder each|jedes each|jeden each|alle all|alles everything|andere other|anderen other|gleich same|gleichen same|dieselbe same|derselben same|nur only|auch also|mehr more|weniger less|sehr very|schon already|vor before|nach after|bis until|über over|zwischen between|seit since|ob whether|kann can|können can|macht makes|hat has|haben have|wird is|werden are|wurde was|benutzt uses|verwendet uses|nutzen use|mal time|immer always|obwohl although|jedoch however|statt instead of|anstatt instead of|gleichzeitig at the same time|auf on|an at|in in|im in the|ins into the|aus from|bei at|beim at the|um around|durch through|ich i|du you|wir we|sein be|so so|damit so that|dabei thereby|dagegen whereas|zwei two|welche which|welcher which|mein my|meine my|meiner my|dort there|hier here""",
}
DOMAIN = {
 'es': """hilo thread|hilos threads|proceso process|procesos processes|tarea task|tareas tasks|bucle loop|bucles loops|bucle de eventos event loop|corrutina coroutine|corrutinas coroutines|llamada call|llamadas calls|petición request|peticiones requests|solicitud request|solicitudes requests|respuesta response|respuestas responses|espera waits|esperar wait|esperando waiting|espere wait|tiempo time|total total|suma sum|lento slow|lenta slow|rápido fast|rápida fast|rápidas fast|rápidos fast|más rápido faster|más rápidas faster|más lento slower|memoria memory|lista list|listas lists|orden order|entrada input|entradas inputs|salida output|resultado result|resultados results|error error|errores errors|excepción exception|excepciones exceptions|concurrente concurrent|concurrentes concurrent|concurrencia concurrency|simultáneamente simultaneously|paralelo parallel|límite limit|límites limits|limitar limit|semáforo semaphore|red network|servidor server|bloquea blocks|bloqueante blocking|bloqueo block|cerrojo lock|candado lock|variable variable|valor value|valores values|contexto context|contextos context|copia copy|propio own|propia own|anterior previous|restaura restores|restaurar restore|devuelve returns|devuelven return|devolver return|genera generates|generador generator|generadores generators|perezoso lazy|perezosa lazy|perezosos lazy|perezosas lazy|ansiosa eager|ansioso eager|iterador iterator|iteradores iterators|infinito infinite|infinitos infinite|infinita infinite|elemento item|elementos items|lote batch|lotes batches|archivo file|fichero file|línea line|líneas lines|datos data|conjunto set|legibilidad readability|legible readable|velocidad speed|comprensión comprehension|comprensiones comprehensions|función function|funciones functions|llamar call|medir measure|mido measure|perfilar profile|perfil profile|cuello de botella bottleneck|optimizar optimise|empate tie|empates ties|conteo count|contar count|palabra word|palabras words|búsqueda lookup|lineal linear|cuadrático quadratic|una vez once|recorrer iterate|recorre iterates|limpieza cleanup|entrenamiento training|modelo model|modelos models|código code|cálculo computation|cálculos computation|calcular compute|CPU CPU|intérprete interpreter|núcleos cores|núcleo core|libera releases|suelta releases|liberar release|pausa pause|pausada paused|conservando keeping|consumidor consumer|pide asks|crece grows|tamaño size|cargar load|encadenan chain|cuerpo body|ejecuta runs|ejecutar run|ejecutan run|corre runs|corren run|lanza raises|lanzar launch|termina finishes|terminan finish|terminar finish|acaba ends|entrega yields|entregan yield|produce produces|vacío empty|bloque block|objeto object|método method|métodos methods|constante constant|usa uses|ventaja advantage|medida measure|mide measures|acumulado cumulative|compara compare|comparo compare|exactamente exactly|igual same|mismo same|clave key|ordenar sort|ordenando sorting|complejidad complexity""",
 'fr': """thread thread|threads threads|fil thread|processus process|tâche task|tâches tasks|boucle loop|boucle d'événements event loop|coroutine coroutine|coroutines coroutines|appel call|appels calls|requête request|requêtes requests|réponse response|réponses responses|attend waits|attendre wait|attente waiting|attentes waits|temps time|total total|somme sum|lent slow|lente slow|rapide fast|plus rapide faster|vite fast|mémoire memory|liste list|listes lists|ordre order|entrée input|entrées inputs|sortie output|résultat result|résultats results|erreur error|erreurs errors|exception exception|exceptions exceptions|concurrent concurrent|concurrente concurrent|concurrence concurrency|simultanément simultaneously|parallèle parallel|limite limit|limites limits|limiter limit|sémaphore semaphore|réseau network|serveur server|bloque blocks|bloquant blocking|bloquante blocking|verrou lock|variable variable|valeur value|valeurs values|contexte context|copie copy|propre own|précédent previous|précédente previous|restaure restores|restaurer restore|rétablit restores|renvoie returns|renvoient return|renvoyer return|retourne returns|générateur generator|générateurs generators|paresseux lazy|paresseuse lazy|paresseuses lazy|itérateur iterator|itérateurs iterators|infini infinite|infinie infinite|infinis infinite|élément item|éléments items|lot batch|lots batches|fichier file|ligne line|lignes lines|données data|ensemble set|lisibilité readability|lisible readable|vitesse speed|compréhension comprehension|compréhensions comprehensions|fonction function|fonctions functions|mesurer measure|mesure measure|profiler profile|profilage profiling|goulot bottleneck|optimiser optimise|égalité tie|égalités ties|compte count|compter count|mot word|mots words|recherche lookup|linéaire linear|quadratique quadratic|une seule fois once|parcourir iterate|parcourt iterates|nettoyage cleanup|entraînement training|modèle model|modèles models|code code|calcul computation|calculs computation|calculer compute|interpréteur interpreter|cœurs cores|relâche releases|relâchent release|libère releases|pause pause|consommateur consumer|demande asks|croît grows|taille size|charger load|corps body|exécute runs|exécuter run|exécutent run|lève raises|lance starts|lancent start|termine finishes|terminent finish|finir finish|fini finished|produit produces|vide empty|bloc block|objet object|méthode method|méthodes methods|constant constant|constante constant|cumulé cumulative|comparer compare|exactement exactly|clé key|trier sort|complexité complexity|gestionnaire manager|gestionnaire de contexte context manager|fermer close|ferme closes|fermé closed|automatiquement automatically|début start|fin end|sortie exit|quitte leaves|quitter leave|chevauchent overlap|accélère speeds up|accélérer speed up|progression progress|position position|placée placed|propagée propagated|appelant caller|continuent continue|dès as soon|arrive arrives|désordre disorder|sérialisation serialization|démarrage startup|pur pure|calcul computation|léger lightweight|légers lightweight|partagent share|mémoire memory|gain gain|relaient take turns|séquentiel sequential""",
 'de': """thread thread|threads threads|prozess process|prozesse processes|prozessen processes|aufgabe task|aufgaben tasks|task task|tasks tasks|schleife loop|ereignisschleife event loop|koroutine coroutine|koroutinen coroutines|aufruf call|aufrufe calls|aufrufen calls|anfrage request|anfragen requests|antwort response|antworten responses|wartet waits|warten wait|wartens waiting|zeit time|gesamtzeit total time|summe sum|langsam slow|schnell fast|schneller faster|speicher memory|arbeitsspeicher memory|liste list|listen lists|reihenfolge order|eingabe input|eingaben inputs|ausgabe output|ergebnis result|ergebnisse results|ergebnissen results|fehler error|ausnahme exception|ausnahmen exceptions|nebenläufig concurrently|nebenläufigkeit concurrency|gleichzeitig concurrently|parallel parallel|grenze limit|limit limit|begrenzen limit|semaphor semaphore|netzwerk network|server server|blockiert blocks|blockierend blocking|sperre lock|variable variable|wert value|werte values|kontext context|kopie copy|eigenen own|eigene own|eigenes own|eigener own|vorherigen previous|vorherige previous|stellt restores|wiederher restores|wiederherstellen restore|liefert returns|gibt gives|zurück back|generator generator|generatoren generators|faul lazy|lazy lazy|iterator iterator|unendlich infinite|unendlichen infinite|endlos endless|element item|elemente items|batch batch|batches batches|stapel batch|datei file|zeile line|zeilen lines|daten data|menge set|lesbarkeit readability|lesbar readable|geschwindigkeit speed|funktion function|funktionen functions|messen measure|misst measures|profilieren profile|engpass bottleneck|optimieren optimise|gleichstand tie|zählen count|wort word|wörter words|suche lookup|linear linear|quadratisch quadratic|einmal once|durchlaufen iterate|aufräumen cleanup|training training|modell model|modelle models|code code|berechnung computation|rechenintensiven CPU-bound|rechenintensive CPU-bound|interpreter interpreter|kerne cores|kernen cores|freigegeben released|gibt frei releases|pause pause|wächst grows|größe size|laden load|rumpf body|führt runs|ausführen run|ausgeführt run|wirft raises|geworfen thrown|startet starts|starten start|fertig finished|endet ends|leer empty|block block|objekt object|methode method|methoden methods|konstant constant|vergleichen compare|genau exactly|schlüssel key|sortieren sort|komplexität complexity|kontextmanager context manager|schließen close|automatisch automatically|verlassen leave|eintritt entry|aufgerufen called|unterdrückt suppressed|weitergereicht propagated|position position|fortschrittsanzeigen progress bars|sofort immediately|herunterladen downloading|bringen bring|nichts nothing|überlastet overloads|meistens mostly|schleife loop|weiß knows|gehört belongs|zusammen together|brauche need|braucht needs""",
}
def table(s):
    d={}
    for e in s.split('|'):
        e=e.strip()
        if not e: continue
        k,_,v=e.partition(' ')
        # multiword keys: split on known English start is ambiguous; keys are single tokens unless contain spaces -> handle by first space only
        d.setdefault(k.lower(),v)
    return d
MULTI = {
 'es': {('bucle','de','eventos'):'event loop',('cuello','de','botella'):'bottleneck',('en','lugar','de'):'instead of',('en','vez','de'):'instead of',('a','la','vez'):'at once',('al','mismo','tiempo'):'at the same time',('sin','embargo'):'however',('más','rápido'):'faster',('más','rápidas'):'faster',('más','rápida'):'faster',('más','lento'):'slower',('una','vez'):'once'},
 'fr': {("boucle","d'événements"):'event loop',('gestionnaire','de','contexte'):'context manager',('au','lieu','de'):'instead of',('à','la','fois'):'at once',('en','même','temps'):'at the same time',('parce','que'):'because',('bien','que'):'although',('plus','rapide'):'faster',('une','seule','fois'):'once',('pendant','que'):'while'},
 'de': {('gibt','frei'):'releases',},
}
def gloss(text, lang):
    com=table(COMMON[lang]); dom=table(DOMAIN[lang])
    multi=MULTI[lang]
    out=[]
    # keep code spans
    parts=re.split(r"(```.*?```|`[^`]*`)", text, flags=re.S)
    for part in parts:
        if part.startswith('`'):
            out.append(part); continue
        toks=re.findall(r"[\wÀ-ÿ'’.()\[\]=*/_-]+|[^\w\s]|\s+", part)
        i=0
        while i<len(toks):
            t=toks[i]
            if t.isspace() or not re.match(r"[\wÀ-ÿ]",t):
                out.append(t); i+=1; continue
            # multiword
            words=[]; j=i; idx=[]
            while j<len(toks) and len(words)<3:
                if not toks[j].isspace(): words.append(toks[j].lower()); idx.append(j)
                j+=1
            hit=None
            for n in (3,2):
                if len(words)>=n and tuple(words[:n]) in multi: hit=(n,multi[tuple(words[:n])]); break
            if hit:
                out.append(hit[1]); i=idx[hit[0]-1]+1; continue
            w=t.lower().replace('’',"'")
            # elisions l' d' qu' n' s' c' j'
            m=re.match(r"^(l|d|qu|n|s|c|j)'(.+)$",w)
            pre=''
            if m and lang=='fr':
                pre=com.get(m.group(1)+"'",'')+' '; w=m.group(2)
            if '_' in w or '.' in w.strip('.') or '(' in w or w in ('asyncio','gather','as_completed','contextvar','yield','next','return','with','set','reset','token'):
                out.append(pre+t); i+=1; continue
            cands=[w]
            for suf in ('es','s','en','e','n','er','em'):
                if w.endswith(suf) and len(w)>len(suf)+3: cands.append(w[:-len(suf)])
            g=None
            for c in cands:
                if c in dom: g=dom[c]; break
                if c in com: g=com[c]; break
            out.append(pre+(g if g is not None else t)); i+=1
    return ''.join(out)
def main():
    binp=os.environ.get('PYHARNESS_BIN') or str(SOURCE/'build'/'pyharness')
    for f in sys.argv[1:]:
        res=[]
        for l in open(f):
            r=json.loads(l)
            if r.get('lang','en')=='en': continue
            e=gloss(r['answer'],r['lang'])
            with tempfile.NamedTemporaryFile('w',suffix='.md',delete=False) as t: t.write(e)
            p=subprocess.run([binp,'score',r['question'],t.name,'--json','--scorer','offline','--exercises',str(SOURCE/'exercises')],capture_output=True,text=True)
            os.unlink(t.name)
            j=json.loads(p.stdout)
            res.append((r['lang'],r['grade'],j['score'],j.get('language'),r['question']))
            if os.environ.get('SHOW'): print(e,'\n')
        for lang in ('es','fr','de'):
            rr=[x for x in res if x[0]==lang]
            print('%-22s %s  grade/score %s  within 2: %d/%d  MAE %.2f' % (
                os.path.basename(f), lang, ' '.join('%d/%.1f' % (g, s) for _, g, s, _, _ in rr),
                sum(abs(g - s) <= 2 for _, g, s, _, _ in rr), len(rr),
                sum(abs(g - s) for _, g, s, _, _ in rr) / max(1, len(rr))))


if __name__ == '__main__':
    main()
